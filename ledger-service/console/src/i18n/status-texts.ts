import type { PublicStatus } from "../../../../core/public-list.ts";
import type { GrantStatus } from "../../../../core/records/grant.ts";
import type { Operation } from "../../../../core/records/lineage.ts";
import type { PartnerStatus } from "../../../../core/records/partner.ts";
import type { ProductStatus } from "../../../../core/records/product.ts";
import { registerTexts } from "./i18n.ts";

/**
 * The words of every status the ledger keeps, one table for every page (namespace "status":
 * `t(\`status:grant.${s}\`)`). Each set is typed by the rulebook's own list, so a status added there
 * cannot reach a page as a raw English word: the build fails until it is worded here in both languages.
 */
const zh = {
  ...prefixed("grant", {
    active: "有效",
    suspended: "已暂停",
    revoked: "已撤销",
    exiting: "退出中",
    closed: "已关闭",
    unknown: "未知（链上无此授权的状态）",
  } satisfies Record<GrantStatus | "unknown", string>),
  ...prefixed("product", {
    registered: "已登记",
    listed: "已上架",
    delisted: "已下架",
  } satisfies Record<ProductStatus, string>),
  ...prefixed("public", {
    listed: "已上架",
    delisted: "已下架",
    "grant-suspended": "授权已暂停",
    "grant-exiting": "授权退出中",
    "grant-revoked": "授权已撤销",
    "grant-closed": "授权已关闭",
    "grant-expired": "授权已到期",
  } satisfies Record<PublicStatus, string>),
  ...prefixed("partner", {
    proposed: "待审批",
    approved: "已批准",
    revoked: "已撤销",
  } satisfies Record<PartnerStatus, string>),
  ...prefixed("operation", {
    collect: "采集",
    clean: "清洗",
    "de-identify": "去标识化",
    fuse: "融合",
    train: "训练",
    aggregate: "汇总",
    deliver: "交付",
  } satisfies Record<Operation, string>),
};

const en: Record<keyof typeof zh, string> = {
  ...prefixed("grant", {
    active: "Active",
    suspended: "Suspended",
    revoked: "Revoked",
    exiting: "Exiting",
    closed: "Closed",
    unknown: "Unknown (the chain holds no state of this grant)",
  } satisfies Record<GrantStatus | "unknown", string>),
  ...prefixed("product", {
    registered: "Registered",
    listed: "Listed",
    delisted: "Delisted",
  } satisfies Record<ProductStatus, string>),
  ...prefixed("public", {
    listed: "Listed",
    delisted: "Delisted",
    "grant-suspended": "Grant suspended",
    "grant-exiting": "Grant in exit",
    "grant-revoked": "Grant revoked",
    "grant-closed": "Grant closed",
    "grant-expired": "Grant expired",
  } satisfies Record<PublicStatus, string>),
  ...prefixed("partner", {
    proposed: "Proposed",
    approved: "Approved",
    revoked: "Revoked",
  } satisfies Record<PartnerStatus, string>),
  ...prefixed("operation", {
    collect: "Collect",
    clean: "Clean",
    "de-identify": "De-identify",
    fuse: "Fuse",
    train: "Train",
    aggregate: "Aggregate",
    deliver: "Deliver",
  } satisfies Record<Operation, string>),
};

function prefixed<P extends string, K extends string>(prefix: P, words: Record<K, string>) {
  return Object.fromEntries(Object.entries(words).map(([k, v]) => [`${prefix}.${k}`, v])) as Record<
    `${P}.${K}`,
    string
  >;
}

registerTexts("status", { zh, en });
