// Package e2e judges the storefront the way shoppers, staff and workshop leads meet it:
// through a real browser.
//
// Its tests (all in TestBrowser) build the real binary, start it on a loopback port
// against a fresh database on the test PostgreSQL cluster and a fresh bucket on the
// test S3 server, load the demo catalog, and then:
//
//   - drive Debian's Chromium with chromedp through a shopper's journey, a back-office
//     journey (staff invite a workshop lead by email, read from Mailpit; the lead sets a
//     password and publishes a product with sizes and a photo) and a checkout journey
//     (cart, checkout with the total, a transfer order, its email; staff mark it paid
//     and shipped) on a phone and on a desktop viewport, a card payment up to the
//     hand-off to Stripe's page (stripe-mock behind a recorder), and a revenue
//     attribution journey (a guest buys two sizes from the demo lead's workshop by
//     transfer, staff mark it paid and refund a line; the lead's monthly statement,
//     its PDF and CSV, the production record and the admin's ledger follow), saving a
//     full-page PNG of every step;
//   - walk a corporate quote from request to delivery on a desktop (the demo company's
//     buyer asks for 120 polos in five sizes with a logo, and a request refused for a
//     missing city comes back with what was typed and the logo kept; staff price it
//     with a proof and the sewing workshop; the buyer approves the proof, accepts and
//     opens the deposit's proforma and its PDF; staff record the deposit's transfer;
//     the workshop's lead records progress, counts the rules refuse coming back as
//     typed, and marks the job ready; staff deliver it and the delivery note names
//     both NITs; the lead's statement and the admin's ledger credit the workshop with
//     the deposit; another company's buyer gets a 404), auditing its new page types;
//   - run axe-core inside the page on the main page types and on the logged-in, cart,
//     checkout and order pages the journeys reach (no serious or critical violations,
//     nothing wider than the phone's screen);
//   - run the Nu HTML Checker (vnu.jar) over the HTML the server sent (no errors);
//   - run Lighthouse on home, listing and product (accessibility 100, best practices
//     at least 95, SEO 100).
//
// The tools come from the repository's package.json (installed by deploy/browser.sh)
// and Debian's chromium package; nothing downloads a browser of its own. Artifacts go
// to build/e2e (LIBRES_TEST_ARTIFACTS). The package has no non-test code: this file
// only documents it.
package e2e
