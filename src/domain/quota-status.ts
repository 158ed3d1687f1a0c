/** What the month's quota looks like when a rule is checked (built by quotaStatus in quota.ts). */
export interface QuotaStatus {
  used: number;
  limit: number;
  remaining: number;
  /** True when LivePerson refused with 429 or our count reached the limit. */
  spent: boolean;
  pendingApprovals: number;
  resetsAt?: Date;
  timeZone?: string;
}
