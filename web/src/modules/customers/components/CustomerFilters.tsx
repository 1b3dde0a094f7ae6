// Tier / stage / industry / region / team filters. Lazy: antd Select is heavy for a phone,
// where these sit behind a "filters" button (the tier filter stays on the page there).
import { useEffect, useState } from 'react';
import { Flex, Input, Select } from 'antd';
import { useT } from '../../../app/lang.js';
import { useRegions, useTeams } from '../../org/api.js';
import { STAGES, TIERS } from '../api.js';
import { customerMessages } from '../messages.js';
import { withFilter, type FilterKey, type ListParams } from '../query.js';

interface Props {
  params: ListParams;
  onChange: (p: ListParams) => void;
  vertical?: boolean;
  hideTier?: boolean;
}

export function CustomerFilters({ params, onChange, vertical, hideTier }: Props) {
  const t = useT(customerMessages);
  const regions = useRegions();
  const teams = useTeams();
  const setFilter = (k: FilterKey, v: string | null | undefined) => {
    let next = withFilter(params, k, v);
    // A team sits in one region: choosing another region drops a team outside it.
    if (k === 'regionId' && v && next.filters.teamId) {
      const team = teams.data?.find((x) => x.id === next.filters.teamId);
      if (team && team.regionId !== v) next = withFilter(next, 'teamId', null);
    }
    onChange(next);
  };

  const [industry, setIndustry] = useState(params.filters.industry ?? '');
  useEffect(() => setIndustry(params.filters.industry ?? ''), [params.filters.industry]);

  const teamOptions = (teams.data ?? []).filter((x) => !params.filters.regionId || x.regionId === params.filters.regionId).map((x) => ({ value: x.id, label: x.name }));
  const style = (w: number) => ({ width: vertical ? '100%' : w });

  return (
    <Flex wrap gap={8} vertical={vertical} align={vertical ? 'stretch' : 'center'}>
      {hideTier ? null : (
        <Select
          data-testid="filter-tier"
          aria-label={t('filter.tier')}
          placeholder={t('filter.tier')}
          allowClear
          value={params.filters.tier}
          onChange={(v) => setFilter('tier', v)}
          options={TIERS.map((v) => ({ value: v, label: v }))}
          style={style(120)}
        />
      )}
      <Select
        data-testid="filter-stage"
        aria-label={t('filter.stage')}
        placeholder={t('filter.stage')}
        allowClear
        value={params.filters.stage}
        onChange={(v) => setFilter('stage', v)}
        options={STAGES.map((v) => ({ value: v, label: t(`stage.${v}`) }))}
        style={style(130)}
      />
      <Input
        data-testid="filter-industry"
        aria-label={t('filter.industry')}
        placeholder={t('filter.industry')}
        allowClear
        value={industry}
        onChange={(e) => {
          setIndustry(e.target.value);
          if (!e.target.value) setFilter('industry', null);
        }}
        onPressEnter={() => setFilter('industry', industry)}
        onBlur={() => industry.trim() !== (params.filters.industry ?? '') && setFilter('industry', industry)}
        style={style(140)}
      />
      <Select
        data-testid="filter-region"
        aria-label={t('filter.region')}
        placeholder={t('filter.region')}
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        value={params.filters.regionId}
        onChange={(v) => setFilter('regionId', v)}
        options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
        loading={regions.isLoading}
        style={style(140)}
      />
      <Select
        data-testid="filter-team"
        aria-label={t('filter.team')}
        placeholder={t('filter.team')}
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        value={params.filters.teamId}
        onChange={(v) => setFilter('teamId', v)}
        options={teamOptions}
        loading={teams.isLoading}
        style={style(160)}
      />
    </Flex>
  );
}
