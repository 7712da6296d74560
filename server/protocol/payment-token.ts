// Runs in: node (store server and central). What an acquirer payment token looks like: both
// servers refuse anything else, so a token the station accepts is one central accepts too.
export const PAYMENT_TOKEN_PATTERN = '^tok_[A-Za-z0-9_]{1,124}$';
