/** Time zones that stress calendar maths: DST both ways, a half-hour offset, a 30-minute DST, −11 h to +14 h. */
export const AWKWARD_ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
];
