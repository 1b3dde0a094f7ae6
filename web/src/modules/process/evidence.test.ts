import { describe, expect, it } from 'vitest';
import { explainBatchFlag, explainEvidenceRow, explainVerdict, formatLag, formatShare } from './evidence.js';

// Numbers as the server stores them (server/modules/process/geofence.ts, actions.ts, compliance.ts,
// evaluate.ts, backfill.ts, templates.ts, batch.ts).
const OUT = { distanceM: 2013, radiusM: 300, accuracyM: 15, beyondM: 1698, status: 'out', reason: 'outside_radius' };

describe('visit evidence in words', () => {
  it('[P2] a check-in outside the fence reads with its distance, radius and GPS accuracy in both languages', () => {
    const v = { check: 'geofence', ruleVersion: 'geofence/1', outcome: 'flag', inputs: { radiusM: 300 }, numbers: OUT };
    expect(explainVerdict(v, 'zh-CN').text).toBe('签到位置距客户 2,013 米，超出 300 米围栏（GPS 精度 15 米）');
    expect(explainVerdict(v, 'en-US').text).toBe('Check-in 2,013 m from the customer, outside the 300 m fence (GPS accuracy 15 m)');
    const inside = { ...v, outcome: 'pass', numbers: { distanceM: 42, radiusM: 300, accuracyM: null, status: 'in', reason: 'inside_radius' } };
    expect(explainVerdict(inside, 'zh-CN').text).toBe('签到位置距客户 42 米，在 300 米围栏内');
    const virtual = { ...v, numbers: { distanceM: 12, radiusM: 300, accuracyM: 0, status: 'in', reason: 'accuracy_implausible' } };
    expect(explainVerdict(virtual, 'zh-CN').text).toContain('GPS 精度为 0 米');
    expect(explainVerdict(virtual, 'zh-CN').text).toContain('疑似虚拟定位');
    const noSite = { ...v, outcome: 'warn', numbers: { distanceM: null, radiusM: 300, accuracyM: 10, reason: 'site_unknown' } };
    expect(explainVerdict(noSite, 'en-US').text).toBe('The customer has no registered location, so the distance cannot be checked (fence 300 m)');
  });

  it('[P2] impossible travel gives distance, minutes, speed and the limit, and links the previous check-in’s visit', () => {
    const prev = '6f1c2a8e-0000-4000-8000-000000000001';
    const v = {
      check: 'travel',
      outcome: 'flag',
      inputs: { previous: { visitId: prev, lat: 31.2, lng: 121.4 }, maxSpeedKmh: 120 },
      numbers: { distanceKm: 1067.3, minutes: 60, speedKmh: 1067, maxSpeedKmh: 120, reason: 'impossible_travel' },
    };
    const e = explainVerdict(v, 'zh-CN');
    expect(e.text).toBe('与上一次签到相距 1,067.3 公里、相隔 60 分钟，折合 1,067 公里/小时，超过可信上限 120 公里/小时');
    expect(e.visits).toEqual([{ id: prev }]);
    expect(explainVerdict({ ...v, numbers: { reason: 'first_check_in', maxSpeedKmh: 120 } }, 'en-US')).toEqual({ text: 'The rep’s first check-in; nothing to compare with', visits: [] });
  });

  it('[P1] late actions are listed with their hours and limits; out-of-order ones with minutes', () => {
    const v = {
      check: 'timeliness',
      outcome: 'warn',
      numbers: {
        late: [
          { type: 'need_capture', actionId: 'a', after: 'check_in', withinHours: 24, hours: 27, state: 'late' },
          { type: 'demo', actionId: null, after: 'check_in', withinHours: 72, hours: 80.5, state: 'overdue' },
        ],
      },
    };
    expect(explainVerdict(v, 'zh-CN').text).toBe('超时：需求捕捉在现场签到后 27 小时才完成（时限 24 小时）；方案演示在现场签到后已过 80.5 小时仍未完成（时限 72 小时）');
    expect(explainVerdict(v, 'en-US').text).toBe('Late: Need capture done 27 h after Check-in (limit 24 h); Solution demo still missing 80.5 h after Check-in (limit 72 h)');
    expect(explainVerdict({ check: 'timeliness', outcome: 'pass', numbers: { late: [] } }, 'zh-CN').text).toBe('各动作都在时限内完成');
    const seq = { check: 'sequence', outcome: 'warn', numbers: { outOfOrder: [{ actionId: 'x', type: 'demo', before: 'check_in', minutes: 90 }] } };
    expect(explainVerdict(seq, 'zh-CN').text).toBe('顺序异常：方案演示的发生时间早于现场签到 90 分钟');
  });

  it('[P4] a reused photo lists the other visits it appears on; photo time and place read with their numbers', () => {
    const a = '11111111-aaaa-4aaa-8aaa-000000000001';
    const b = '22222222-bbbb-4bbb-8bbb-000000000002';
    // photos.ts photoReuseVerdict: matches closest first, one visit may hold several matching photos.
    const v = {
      check: 'photo_reuse',
      ruleVersion: 'photo_reuse/1',
      outcome: 'flag',
      inputs: { dhash: '0f0f0f0f0f0f0f0f', maxDistance: 3, candidates: 3 },
      numbers: { matches: [{ visitId: a, mediaId: 'm1', distance: 0 }, { visitId: b, mediaId: 'm2', distance: 2 }, { visitId: b, mediaId: 'm3', distance: 3 }], count: 3, visits: 2, minDistance: 0, ignored: 0, reason: 'photo_reused' },
    };
    const e = explainVerdict(v, 'zh-CN');
    expect(e.text).toBe('同一张或几乎相同的照片也出现在 2 次其他拜访中：11111111（相差 0 位）、22222222（相差 2 位）');
    expect(e.visits.map((x) => x.id)).toEqual([a, b]);
    expect(explainVerdict(v, 'en-US').text).toBe('The same or a near-identical photo is on 2 other visits: 11111111 (0 bits apart), 22222222 (2 bits apart)');
    const none = { ...v, outcome: 'pass', numbers: { matches: [], count: 0, visits: 0, minDistance: null, ignored: 0, reason: 'no_match' } };
    expect(explainVerdict(none, 'en-US').text).toBe('No other visit has the same or a near-identical photo');
    expect(explainVerdict({ ...none, outcome: 'warn', numbers: { ...none.numbers, reason: 'low_detail', setBits: 2 } }, 'zh-CN').text).toBe('照片几乎没有细节（如遮住镜头、白墙），不做重复判断');

    // photoTimeVerdict: diffMin = EXIF − claimed; the times are in the inputs.
    const time = {
      check: 'photo_time',
      outcome: 'flag',
      inputs: { exifTakenAt: '2026-11-09T00:07:00.000Z', claimedAt: '2026-11-09T03:12:00.000Z', uploadedAt: '2026-11-09T03:13:00.000Z', toleranceMin: 30, assumedOffset: false },
      numbers: { diffMin: -185, aheadMin: -186, toleranceMin: 30, futureSkewMin: 5, reason: 'time_mismatch' },
    };
    expect(explainVerdict(time, 'zh-CN').text).toBe('照片 EXIF 拍摄于 2026-11-09 08:07，声称 2026-11-09 11:12，相差 185 分钟（容差 30 分钟）');
    expect(explainVerdict({ ...time, inputs: { ...time.inputs, assumedOffset: true } }, 'en-US').text).toBe(
      'EXIF says 2026-11-09 08:07, claimed 2026-11-09 11:12: 185 min apart (tolerance 30 min) (no time zone in the photo; +08:00 assumed)',
    );
    const future = { ...time, numbers: { diffMin: 600, aheadMin: 599, toleranceMin: 30, futureSkewMin: 5, reason: 'exif_in_future' } };
    expect(explainVerdict(future, 'zh-CN').text).toBe('照片 EXIF 拍摄时间 2026-11-09 08:07 比上传时间还晚 599 分钟，拍摄时间被改写过');
    expect(explainVerdict({ check: 'photo_time', outcome: 'warn', inputs: {}, numbers: { diffMin: null, aheadMin: null, toleranceMin: 30, reason: 'no_exif' } }, 'en-US').text).toBe(
      'The photo has no EXIF time; the claimed time cannot be checked',
    );

    // photoPlaceVerdict: distance to the site, or to the claimed upload position when the site is unknown.
    const place = { check: 'photo_place', outcome: 'flag', inputs: { against: 'site', radiusM: 300 }, numbers: { distanceM: 5120, radiusM: 300, accuracyM: null, claimedDistanceM: null, reason: 'outside_radius' } };
    expect(explainVerdict(place, 'en-US').text).toBe('Photo EXIF position 5,120 m from the customer, outside the 300 m fence');
    expect(explainVerdict({ ...place, inputs: { against: 'claimed', radiusM: 300 } }, 'zh-CN').text).toBe('照片 EXIF 位置距上传时声称的位置 5,120 米，超出 300 米围栏');
    expect(explainVerdict({ ...place, outcome: 'warn', numbers: { ...place.numbers, distanceM: null, reason: 'no_gps' } }, 'zh-CN').text).toBe('照片没有 EXIF 位置，无法核对拍摄地点');
    expect(explainVerdict({ check: 'competitor', outcome: 'warn', numbers: { competitors: ['金蝶', '用友'] } }, 'zh-CN').text).toBe('照片文字中识别出竞品：金蝶、用友');
  });

  it('[P5] a non-compliant visit names what the checklist still lacks', () => {
    const v = {
      check: 'compliance',
      outcome: 'warn',
      inputs: { tier: 'KA' },
      numbers: {
        items: [
          { item: 'painPoints', need: 2, have: 2, ok: true },
          { item: 'proposalScreenshots', need: 1, have: 0, ok: false },
          { item: 'legalReviewNotes', need: 1, have: 0, ok: false },
        ],
      },
    };
    expect(explainVerdict(v, 'zh-CN').text).toBe('未满足 KA 检查清单：定制方案截图 0/1；法务审核记录 0/1');
    expect(explainVerdict(v, 'en-US').text).toBe('KA checklist not met: Custom proposal screenshots 0/1; Legal review notes 0/1');
  });

  it('[P2] a check this page does not know is still shown, with its numbers', () => {
    const v = { check: 'voice_match', outcome: 'warn', numbers: { score: 0.4213, words: 12, reason: 'low_score' } };
    expect(explainVerdict(v, 'zh-CN').text).toBe('voice_match：score 0.421，words 12，reason low_score');
    expect(explainVerdict(v, 'en-US').text).toBe('voice_match: score 0.421, words 12, reason low_score');
    // A known check whose numbers are not the expected ones falls back the same way.
    expect(explainVerdict({ check: 'geofence', outcome: 'flag', numbers: { reason: 'new_reason', distanceM: 5 } }, 'en-US').text).toBe('Geofence: reason new_reason, distanceM 5');
  });
});

describe('P8 batch flags in words', () => {
  const config = { clusterWindow: { from: '23:58', to: '00:03' }, clusterShare: 0.42, maxLagHours: 48, templateSimilarity: 0.91 };

  it('[P8] a recording-time cluster gives the share, the window and the batches', () => {
    const f = {
      detector: 'recording_cluster',
      numbers: { share: 0.583, count: 14, total: 24, inWindow: 10, inBatches: 4, batches: 1, largestBatch: 4, windowFrom: '23:58', windowTo: '00:03', shareThreshold: 0.42, minCount: 10, config },
      evidence: [],
    };
    expect(explainBatchFlag(f, 'zh-CN')).toBe('58.3% 的记录（14/24 条）集中录入，10 条录入于 23:58–00:03，4 条来自 1 个连续补录批次（最大 4 条），阈值 42%');
    expect(explainBatchFlag(f, 'en-US')).toBe('58.3% of records (14/24) entered in clusters, 10 entered at 23:58–00:03, 4 in 1 back-to-back batches (largest 4), threshold 42%');
    const row = explainEvidenceRow('recording_cluster', { visitId: 'v1', occurredAt: '2026-11-06T02:00:00Z', recordedAt: '2026-11-09T16:00:30Z', why: 'window' }, 'zh-CN', f.numbers);
    expect(row).toEqual({ visitId: 'v1', text: '录入于 2026-11-10 00:00（23:58–00:03 窗口内），声称发生于 2026-11-06 10:00' });
  });

  it('[P8] a back-fill lag gives how many records lag past the limit, the longest and the weekend share; rows give each lag', () => {
    const f = { detector: 'backfill_lag', numbers: { count: 6, total: 30, share: 0.2, maxLagHours: 48, medianLagHours: 64.5, longestLagHours: 70.2, weekendShare: 0.833, config } };
    expect(explainBatchFlag(f, 'zh-CN')).toBe('6/30 条记录（20%）录入时间比发生时间晚 48 小时以上，最长滞后 70.2 小时，中位滞后 64.5 小时，其中 83.3% 是周五至周日的拜访在周一补录');
    const row = explainEvidenceRow('backfill_lag', { visitId: 'v2', occurredAt: '2026-11-06T08:00:00Z', recordedAt: '2026-11-09T01:00:00Z', lagHours: 65 }, 'en-US');
    expect(row).toEqual({ visitId: 'v2', text: 'happened 2026-11-06 16:00, entered 2026-11-09 09:00, 65 h later' });
  });

  it('[P8] templated notes give the share, the groups and the similarity; rows give each note’s similarity', () => {
    const f = {
      detector: 'template',
      numbers: { share: 0.92, count: 23, total: 25, considered: 25, groups: 1, largestGroup: 23, similarity: 0.91, minGroup: 5, minSimilarity: 0.93, meanSimilarity: 0.981, config },
    };
    expect(explainBatchFlag(f, 'zh-CN')).toBe('23/25 条备注（92%）近似重复，共 1 组（最大一组 23 条），相似度阈值 0.91（最低 0.93，平均 0.981）');
    expect(explainEvidenceRow('template', { visitId: 'v3', group: 0, similarity: 0.957 }, 'zh-CN')).toEqual({ visitId: 'v3', text: '第 1 组，与模板相似度 0.957' });
  });

  it('[P8] an unknown detector falls back to its numbers', () => {
    expect(explainBatchFlag({ detector: 'night_owl', numbers: { count: 3, config } }, 'en-US')).toBe('night_owl: count 3');
  });
});

describe('formatting', () => {
  it('[P1] lags read in minutes, hours or days; shares as percentages', () => {
    expect(formatLag(45, 'zh-CN')).toBe('45 分钟');
    expect(formatLag(125, 'zh-CN')).toBe('2 小时 5 分');
    expect(formatLag(64 * 60, 'en-US')).toBe('2 d 16 h');
    expect(formatShare(0.42, 'zh-CN')).toBe('42%');
    expect(formatShare(91, 'en-US')).toBe('91%');
  });
});
