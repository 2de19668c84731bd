import type { Scenario } from "../../../scripts/scenarios/scenario.ts";
import { actorScenarios } from "./actors.ts";
import { governanceScenarios } from "./governance.ts";
import { grantScenarios } from "./grants.ts";
import { lineageScenarios } from "./lineage.ts";
import { partnerScenarios } from "./partners.ts";
import { productScenarios } from "./products.ts";
import { resourceScenarios } from "./resources.ts";
import { freshnessScenarios } from "./freshness.ts";
import { derivationScenarios } from "./derivation.ts";
import { complaintScenarios } from "./complaints.ts";
import { objectionScenarios } from "./objections.ts";
import { alertScenarios } from "./alerts.ts";
import { serviceListScenarios } from "./service-list.ts";
import { listingScenarios } from "./listing.ts";
import { revenueScenarios } from "./revenue.ts";

export const SCENARIOS: readonly Scenario[] = [
  ...actorScenarios,
  ...resourceScenarios,
  ...grantScenarios,
  ...partnerScenarios,
  ...productScenarios,
  ...listingScenarios,
  ...lineageScenarios,
  ...derivationScenarios,
  ...governanceScenarios,
  ...freshnessScenarios,
  ...complaintScenarios,
  ...objectionScenarios,
  ...alertScenarios,
  ...serviceListScenarios,
  ...revenueScenarios,
];
