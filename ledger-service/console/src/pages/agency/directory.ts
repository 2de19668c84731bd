// The answers of GET /v1/actors and GET /v1/blacklist, under the names the directory pages use.
export type {
  BanState,
  BannedOrganisation as BlacklistEntry,
  RegisteredOrganisation as Organisation,
} from "../../../../../core/directory.ts";
