// Organisation look-ups used by filters and pickers: regions, teams, users.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../app/api.js';

export interface Region {
  id: string;
  name: string;
  code: string;
}
export interface Team {
  id: string;
  name: string;
  regionId: string;
}
export interface OrgUser {
  id: string;
  displayName?: string;
  username?: string;
  role?: string;
  teamId?: string | null;
  regionId?: string | null;
}

export const orgKeys = {
  regions: ['org', 'regions'] as const,
  teams: ['org', 'teams'] as const,
  users: (q: string) => ['org', 'users', q] as const,
};

export function useRegions() {
  return useQuery({
    queryKey: orgKeys.regions,
    queryFn: ({ signal }) => api.get<{ items: Region[] }>('/org/regions', undefined, signal),
    staleTime: 10 * 60_000,
    select: (d) => d.items,
  });
}

export function useTeams() {
  return useQuery({
    queryKey: orgKeys.teams,
    queryFn: ({ signal }) => api.get<{ items: Team[] }>('/org/teams', undefined, signal),
    staleTime: 10 * 60_000,
    select: (d) => d.items,
  });
}

export function useUserSearch(q: string, enabled = true) {
  return useQuery({
    queryKey: orgKeys.users(q),
    queryFn: ({ signal }) => api.get<{ items: OrgUser[] }>('/org/users', { q: q || undefined, pageSize: 20 }, signal),
    staleTime: 60_000,
    enabled,
    select: (d) => d.items,
  });
}
