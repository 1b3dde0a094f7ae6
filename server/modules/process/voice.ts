// P3: is an uploaded voice note audio? The platform's file service sniffs the type from the bytes
// (server/platform/files/sniff.ts, via file-type); phones record into containers that sniff as
// *video* types: Chrome/Android MediaRecorder → WebM (video/webm), Safari/iOS MediaRecorder and
// many Android recorders → MP4 with an 'isom'/'mp42'/'iso5' brand (video/mp4), old Android →
// 3GP (video/3gpp). Those are voice notes when they carry no video track. Opus in Ogg (Firefox,
// many Android apps) sniffs as 'audio/ogg; codecs=opus'.

interface VoiceFormat {
  /** The audio type to store and to send to the speech service. */
  mime: string;
  /** A file extension speech services recognise (OpenAI: flac mp3 mp4 mpeg mpga m4a ogg wav webm). */
  ext: string;
  /** A container that may also hold video, checked by hasVideoTrack. */
  container?: 'mp4' | 'webm';
}

/** Sniffed type (as file-type reports it) → voice-note format. */
const FORMATS: Record<string, VoiceFormat> = {
  'audio/mpeg': { mime: 'audio/mpeg', ext: 'mp3' },
  'audio/x-m4a': { mime: 'audio/mp4', ext: 'm4a' },
  'audio/mp4': { mime: 'audio/mp4', ext: 'm4a' },
  'audio/aac': { mime: 'audio/aac', ext: 'aac' },
  'audio/wav': { mime: 'audio/wav', ext: 'wav' },
  'audio/x-wav': { mime: 'audio/wav', ext: 'wav' },
  'audio/ogg': { mime: 'audio/ogg', ext: 'ogg' },
  'audio/ogg; codecs=opus': { mime: 'audio/ogg', ext: 'ogg' },
  'audio/opus': { mime: 'audio/ogg', ext: 'ogg' },
  'audio/flac': { mime: 'audio/flac', ext: 'flac' },
  'audio/amr': { mime: 'audio/amr', ext: 'amr' },
  'audio/webm': { mime: 'audio/webm', ext: 'webm', container: 'webm' },
  'video/webm': { mime: 'audio/webm', ext: 'webm', container: 'webm' },
  'video/mp4': { mime: 'audio/mp4', ext: 'mp4', container: 'mp4' },
  'video/3gpp': { mime: 'audio/3gpp', ext: '3gp', container: 'mp4' },
};

/** Every sniffed type a voice note may have: the allow-list to pass to the file service for kind 'voice'. */
export const VOICE_SNIFFED_TYPES: readonly string[] = Object.keys(FORMATS);

export type VoiceCheck = { ok: true; mime: string; ext: string } | { ok: false; reason: 'not_audio' | 'has_video' };

/**
 * Decides from the sniffed type and the bytes whether an upload is a voice note, and gives the
 * audio type to store. A WebM/MP4/3GP container with a video track is refused ('has_video').
 */
export function checkVoiceNote(buffer: Buffer, sniffedMime: string): VoiceCheck {
  const f = FORMATS[sniffedMime.toLowerCase().replace(/\s+/g, ' ').trim()];
  if (!f) return { ok: false, reason: 'not_audio' };
  if (f.container && hasVideoTrack(buffer, f.container)) return { ok: false, reason: 'has_video' };
  return { ok: true, mime: f.mime, ext: f.ext };
}

const WEBM_VIDEO_CODECS = ['V_VP8', 'V_VP9', 'V_AV1', 'V_MPEG4', 'V_MPEGH', 'V_THEORA', 'V_UNCOMPRESSED'].map((c) => Buffer.from(c, 'latin1'));

/**
 * MP4/3GP: a track handler ('hdlr' box) of type 'vide' anywhere in the file (the movie box may
 * be at the end). WebM: a video CodecID (V_VP8, V_VP9, V_AV1…) in the first 256 KB, where
 * the Tracks element is.
 */
export function hasVideoTrack(buffer: Buffer, container: 'mp4' | 'webm'): boolean {
  if (container === 'webm') {
    const head = buffer.subarray(0, 256 * 1024);
    return WEBM_VIDEO_CODECS.some((c) => head.includes(c));
  }
  const hdlr = Buffer.from('hdlr', 'latin1');
  // hdlr box: size(4) 'hdlr' version+flags(4) pre_defined(4) handler_type(4)
  for (let i = buffer.indexOf(hdlr); i >= 0; i = buffer.indexOf(hdlr, i + 4)) {
    if (buffer.toString('latin1', i + 12, i + 16) === 'vide') return true;
  }
  return false;
}

/** The audio type a stored mime stands for (e.g. 'audio/x-m4a' → 'audio/mp4'); unknown types are returned as they are. */
export function voiceMime(mime: string): string {
  return FORMATS[mime.toLowerCase().replace(/\s+/g, ' ').trim()]?.mime ?? mime;
}

/** The file extension a speech service recognises for a mime ('audio/x-m4a' → 'm4a'); 'bin' when unknown. */
export function voiceExtension(mime: string): string {
  const m = mime.toLowerCase().replace(/\s+/g, ' ').trim();
  if (FORMATS[m]) return FORMATS[m].ext;
  const byStored: Record<string, string> = { 'audio/3gpp': '3gp' };
  return byStored[m] ?? 'bin';
}
