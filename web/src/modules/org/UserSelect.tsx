// Picks a user by name with server-side search (GET /org/users?q=).
import { useEffect, useState, type CSSProperties } from 'react';
import { Select } from 'antd';
import { useUserSearch } from './api.js';

interface Props {
  value?: string | null;
  onChange?: (v: string | null) => void;
  placeholder?: string;
  /** Label to show for the current value before a search returns it. */
  currentLabel?: string | null;
  allowClear?: boolean;
  style?: CSSProperties;
  testId?: string;
}

export function UserSelect({ value, onChange, placeholder, currentLabel, allowClear = true, style, testId }: Props) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const h = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(h);
  }, [text]);
  const users = useUserSearch(q);
  const options = (users.data ?? []).map((u) => ({ value: u.id, label: u.displayName ?? u.username ?? u.id }));
  if (value && currentLabel && !options.some((o) => o.value === value)) options.unshift({ value, label: currentLabel });
  return (
    <Select
      data-testid={testId}
      showSearch={{ filterOption: false, onSearch: setText }}
      allowClear={allowClear}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      options={options}
      loading={users.isFetching}
      placeholder={placeholder}
      style={style}
      notFoundContent={null}
    />
  );
}
