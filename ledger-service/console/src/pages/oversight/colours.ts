/**
 * Tag colours of a duty's state. Solid tags with white text: Ant Design's light "success" tag
 * fails WCAG AA contrast (axe), these dark greens, reds and blues meet it.
 */
export const STATE_COLOUR = {
  onTime: "#237804",
  overdue: "#a8071a",
  open: "#0b5cad",
  closed: "#237804",
} as const;
