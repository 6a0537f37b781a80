package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromeFlags are given to every Chromium the suite starts (chromedp's and
// Lighthouse's). The machine has no network beyond loopback and package registries:
// without the background-networking flags Chromium keeps trying to reach its vendor's
// hosts, which only costs time and noise here.
var chromeFlags = []string{
	"--disable-background-networking",
	"--disable-component-update",
	"--no-first-run",
	"--disable-gpu",
	"--disable-sync",
	"--disable-quic",
	"--disable-default-apps",
	"--disable-extensions",
}

// startBrowser starts one headless Chromium with a fresh profile for the whole suite
// and returns a context to open tabs from. It is closed at cleanup.
func startBrowser(t *testing.T, e env) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(e.chrome),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.DisableGPU,
		// chromedp's defaults, plus no back/forward cache: a page restored from it
		// fires no load event and leaves chromedp with a stale DOM, so "back" on a
		// journey would hang. Without it, back loads the page again, as after a reload.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,BackForwardCache"),
	)
	for _, f := range chromeFlags {
		opts = append(opts, chromedp.Flag(strings.TrimPrefix(f, "--"), true))
	}
	if os.Geteuid() == 0 {
		// Chromium's sandbox refuses to run as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	startCtx, done := context.WithTimeout(ctx, 60*time.Second)
	defer done()
	// The first Do starts the browser; its life is bound to ctx, not to startCtx.
	if err := chromedp.Do(ctx, chromedp.Func(func(context.Context, *chromedp.Target) error {
		return startCtx.Err()
	})); err != nil {
		t.Fatalf("start Chromium %s: %v", e.chrome, err)
	}
	return ctx
}

// viewport is a screen the store is looked at on.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	phone   = viewport{"phone", 360, 800, true}
	desktop = viewport{"desktop", 1280, 800, false}
)

// tab is one browser tab at one viewport, with the helpers the checks share.
type tab struct {
	t     *testing.T
	ctx   context.Context
	vp    viewport
	base  string
	shots string
}

// newTab opens a tab at viewport vp; it is closed when the test ends. Tabs share the
// browser's cookies unless opts give one a browser context of its own
// (chromedp.WithNewBrowserContext), as the back-office journeys, which log in, need.
func newTab(t *testing.T, browser context.Context, vp viewport, base, shots string, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, opts...)
	t.Cleanup(cancel)
	emulate := chromedp.EmulateViewport(vp.width, vp.height)
	if vp.mobile {
		emulate = chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, emulate); err != nil {
		t.Fatalf("open a %s tab: %v", vp.name, err)
	}
	return &tab{t: t, ctx: ctx, vp: vp, base: base, shots: shots}
}

// screenshot saves a full-page PNG as NAME.png in the screenshots folder and returns
// its path; a failure to take one is reported in the returned string instead, since
// it is called while reporting other failures.
func (b *tab) screenshot(name string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	// Best effort: a page that does not settle is still worth a picture.
	_ = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](loadLazyImagesJS, chromedp.EvalAwaitPromise))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		return fmt.Sprintf("(no screenshot: %v)", err)
	}
	path := b.shotPath(name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return fmt.Sprintf("(no screenshot: %v)", err)
	}
	return path
}

// shotPath is where screenshot(name) saves its picture.
func (b *tab) shotPath(name string) string {
	return filepath.Join(b.shots, name+".png")
}

// loadLazyImagesJS scrolls through the page as a reader would, so that images with
// loading="lazy" load, waits (at most 3 s) for all images, and scrolls back to the
// top: a full-page screenshot then shows the page as a shopper who scrolled sees it.
const loadLazyImagesJS = `(async () => {
	const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 30)));
	for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
		scrollTo(0, y);
		await frame();
	}
	scrollTo(0, 0);
	const pending = [...document.images].filter(i => !i.complete)
		.map(i => new Promise(r => { i.addEventListener("load", r); i.addEventListener("error", r); }));
	await Promise.race([Promise.all(pending), new Promise(r => setTimeout(r, 3000))]);
	await frame();
})()`

// run runs f with a time limit, so that a page that never shows what is awaited
// fails the step instead of hanging the suite.
func (b *tab) run(f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	return f(ctx)
}

// location is the current URL, for failure messages.
func (b *tab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown URL)"
	}
	return loc
}

// press activates an element the way the device's user would: a tap on the phone, a
// mouse click on the desktop. It waits for the element to be visible first.
func press(vp viewport, sel chromedp.Search) chromedp.Action[chromedp.Void] {
	if vp.mobile {
		return chromedp.Steps(chromedp.WaitVisible(sel), chromedp.Tap(sel))
	}
	return chromedp.Steps(chromedp.WaitVisible(sel), chromedp.Click(sel))
}

// pressAndLoad presses an element that leads to another page and waits for that
// page's response, which must be 200.
func pressAndLoad(ctx context.Context, vp viewport, sel chromedp.Search) error {
	return pressAndLoadStatus(ctx, vp, sel, 200)
}

// pressAndLoadStatus is pressAndLoad for a page that must answer status (a refused
// form: 422).
func pressAndLoadStatus(ctx context.Context, vp viewport, sel chromedp.Search, status int64) error {
	if err := chromedp.Do(ctx, chromedp.WaitVisible(sel)); err != nil {
		return fmt.Errorf("wait for %s: %w", sel, err)
	}
	act := chromedp.Click(sel)
	if vp.mobile {
		act = chromedp.Tap(sel)
	}
	resp, err := chromedp.RunResponse(ctx, act)
	if err != nil {
		return fmt.Errorf("follow %s: %w", sel, err)
	}
	if resp == nil {
		return fmt.Errorf("pressing %s loaded no page", sel)
	}
	if resp.Status != status {
		return fmt.Errorf("pressing %s: %s answered %d, want %d", sel, resp.URL, resp.Status, status)
	}
	return nil
}

// visibleText is the rendered text of the first element sel finds, once visible.
func visibleText(ctx context.Context, sel chromedp.Search) (string, error) {
	if err := chromedp.Do(ctx, chromedp.WaitVisible(sel)); err != nil {
		return "", fmt.Errorf("wait for %s to be visible: %w", sel, err)
	}
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		return "", fmt.Errorf("read text of %s: %w", sel, err)
	}
	return strings.Join(strings.Fields(s), " "), nil
}

// eval evaluates a JavaScript expression in the page and decodes its result.
func eval[T any](ctx context.Context, expr string) (T, error) {
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		return v, fmt.Errorf("evaluate %q: %w", expr, err)
	}
	return v, nil
}
