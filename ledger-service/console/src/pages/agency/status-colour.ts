import type { PartnerStatus } from "../../../../../core/records/partner.ts";
import type { GrantStatus } from "../../../../../core/records/grant.ts";

// Solid tags with white text: Ant Design's tinted success tag fell short of WCAG AA contrast in
// the grant tables (axe). Dark green, dark orange and dark red each give white text over 4.5:1.
const GREEN = "#237804";
const ORANGE = "#ad4e00";
export const RED = "#a8071a";

/** Tag colours of a grant's status ("default": Ant Design's grey tag). */
export const GRANT_STATUS_COLOUR: Record<GrantStatus, string> = {
  active: GREEN,
  suspended: ORANGE,
  revoked: RED,
  exiting: "default",
  closed: "default",
};

/** Tag colours of a partner admission's status. */
export const PARTNER_STATUS_COLOUR: Record<PartnerStatus, string> = {
  proposed: "default",
  approved: GREEN,
  revoked: RED,
};
