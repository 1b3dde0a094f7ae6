import type { UserRow } from './store.js';

export const presentUser = (u: UserRow) => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  role: u.role,
  teamId: u.team_id,
  regionId: u.region_id,
  isMentor: u.is_mentor,
  locale: u.locale,
});
