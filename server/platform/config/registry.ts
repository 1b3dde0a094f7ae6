// The catalogue of configurable rules (X2). Each module declares its keys at import time with
// a Zod schema and the seed's numbers as defaults; the service stores tenant-specific versions.
// A family ("goals.metrics.*") covers keys created at run time, e.g. a tenant's own metric.
import { z } from 'zod';

export type Bilingual = { 'zh-CN': string; 'en-US': string };

export interface ConfigKey<T = unknown> {
  key: string;
  title: Bilingual;
  description: Bilingual;
  schema: z.ZodType<T>;
  /** The rule's default (version 0). Optional only for family members created at run time. */
  default: T;
  /** Two sign-offs (administrator + business owner) before a new version takes effect. */
  dualSignoff: boolean;
}

export interface ConfigFamily<T = unknown> {
  /** Ends with a dot: 'goals.metrics.' covers 'goals.metrics.effectiveVisits'. */
  prefix: string;
  title: Bilingual;
  description: Bilingual;
  schema: z.ZodType<T>;
  dualSignoff: boolean;
}

/** What the service works with: a registered key, or a member of a family (no default). */
export interface ResolvedKey<T = unknown> {
  key: string;
  title: Bilingual;
  description: Bilingual;
  schema: z.ZodType<T>;
  dualSignoff: boolean;
  hasDefault: boolean;
  default: T | undefined;
  family?: string;
}

const KEY_RE = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9_-]*)+$/;
const SUFFIX_RE = /^[a-zA-Z][a-zA-Z0-9_-]{0,59}$/;

const keys = new Map<string, ConfigKey<any>>();
const families = new Map<string, ConfigFamily<any>>();

function familyOf(key: string): ConfigFamily | undefined {
  let best: ConfigFamily | undefined;
  for (const f of families.values()) {
    if (key.startsWith(f.prefix) && (!best || f.prefix.length > best.prefix.length)) best = f;
  }
  return best;
}

/** Declares a configurable rule. The default must satisfy the schema (checked here, at start). */
export function defineConfigKey<S extends z.ZodType>(def: Omit<ConfigKey<z.output<S>>, 'schema' | 'default'> & { schema: S; default: z.input<S> }): ConfigKey<z.output<S>> {
  if (!KEY_RE.test(def.key)) throw new Error(`config key '${def.key}' is not of the form module.name`);
  if (keys.has(def.key)) throw new Error(`config key '${def.key}' defined twice`);
  const fam = familyOf(def.key);
  if (fam && fam.dualSignoff !== def.dualSignoff) {
    throw new Error(`config key '${def.key}' must have dualSignoff=${fam.dualSignoff} like its family ${fam.prefix}*`);
  }
  const checked = def.schema.safeParse(def.default);
  if (!checked.success) throw new Error(`default of config key '${def.key}' does not match its schema: ${checked.error.message}`);
  const frozen: ConfigKey<z.output<S>> = { ...def, schema: def.schema as unknown as z.ZodType<z.output<S>>, default: checked.data as z.output<S> };
  keys.set(def.key, frozen);
  return frozen;
}

/** Declares a family of keys under a prefix; members exist once someone proposes a value. */
export function defineConfigFamily<S extends z.ZodType>(def: Omit<ConfigFamily<z.output<S>>, 'schema'> & { schema: S }): ConfigFamily<z.output<S>> {
  if (!def.prefix.endsWith('.') || !KEY_RE.test(def.prefix.slice(0, -1))) throw new Error(`config family prefix '${def.prefix}' must look like 'module.name.'`);
  if (families.has(def.prefix)) throw new Error(`config family '${def.prefix}' defined twice`);
  for (const k of keys.values()) {
    if (k.key.startsWith(def.prefix) && k.dualSignoff !== def.dualSignoff) throw new Error(`config key '${k.key}' disagrees with family ${def.prefix}* on dualSignoff`);
  }
  const fam: ConfigFamily<z.output<S>> = { ...def, schema: def.schema as unknown as z.ZodType<z.output<S>> };
  families.set(def.prefix, fam);
  return fam;
}

/** A registered key, or a valid member name of a family; undefined when unknown. */
export function resolveConfigKey(key: string): ResolvedKey | undefined {
  const k = keys.get(key);
  if (k) return { ...k, hasDefault: true, family: familyOf(key)?.prefix };
  const f = familyOf(key);
  if (f && SUFFIX_RE.test(key.slice(f.prefix.length))) {
    return {
      key,
      title: { 'zh-CN': `${f.title['zh-CN']} · ${key.slice(f.prefix.length)}`, 'en-US': `${f.title['en-US']} · ${key.slice(f.prefix.length)}` },
      description: f.description,
      schema: f.schema,
      dualSignoff: f.dualSignoff,
      hasDefault: false,
      default: undefined,
      family: f.prefix,
    };
  }
  return undefined;
}

export function listConfigKeys(): ConfigKey[] {
  return [...keys.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export function listConfigFamilies(): ConfigFamily[] {
  return [...families.values()].sort((a, b) => a.prefix.localeCompare(b.prefix));
}

const jsonSchemas = new WeakMap<z.ZodType, unknown>();

/** JSON Schema of what an admin may submit, for the admin screen's form; null if not expressible. */
export function inputJsonSchema(schema: z.ZodType): unknown {
  if (jsonSchemas.has(schema)) return jsonSchemas.get(schema);
  let out: unknown;
  try {
    out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    out = null;
  }
  jsonSchemas.set(schema, out);
  return out;
}
