// Setup file of the system project: requests to the test web app carry the admin's API token unless
// a test sends its own credentials, or none (anonymousFetch in test/support/accounts.ts).
import { accountFromEnv, signInFetch } from "../support/accounts";

const url = process.env.WEBOPS_TEST_URL;
if (url) signInFetch(url, accountFromEnv("admin"));
