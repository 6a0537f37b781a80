package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The back office is found the way staff and leads find it: by its navigation and the
// buttons' words.
var (
	flashMessage = chromedp.Search(`//main//p[contains(concat(" ", normalize-space(@class), " "), " flash ")][@role="status"]`)
	passwordForm = `//main//form[.//input[@name="password"]]`
	passwordGo   = chromedp.Search(passwordForm + `//button[@type="submit"]`)
	accountLink  = chromedp.Search(`//header//li[contains(@class,"nav-account")]/a`)
	logoutButton = chromedp.Search(`//main//button[normalize-space()="Cerrar sesión"]`)
)

// boNavLink is a link of a back-office room's navigation (admin or studio).
func boNavLink(label string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//main//nav[contains(@class,"bo-nav")]//a[normalize-space()=%q]`, label))
}

// backoffice is what the back-office journeys of both viewports share: the audit of
// the logged-in pages they reach.
type backoffice struct {
	*liveAudit
}

// boJourney carries what one back-office journey learns for its next steps.
type boJourney struct {
	t    *testing.T
	tab  *tab
	bo   *backoffice
	shot string // the current step's screenshot, named in audit failures

	stamp          string // makes this journey's person and product unique
	invitee, name  string
	title, titleEN string
	photo          string // a JPEG to upload
	editor         string // path of the product in the studio
	shopURL        string
}

// runBackoffice is TestBrowser/backoffice/{phone,desktop}: staff invite a workshop lead,
// who sets a password from the emailed link and puts a product with two sizes and a
// photo on sale. Each step ends with a full-page screenshot; a failed step is
// photographed as it stands and ends the journey. The logged-in pages are audited
// (axe, and saved for vnu) when the journey reaches them.
func runBackoffice(t *testing.T, tb *tab, bo *backoffice, photo string) {
	stamp := fmt.Sprint(time.Now().UnixMilli() % 1_000_000)
	word := map[string][2]string{"phone": {"teléfono", "phone"}, "desktop": {"escritorio", "desktop"}}[tb.vp.name]
	j := &boJourney{t: t, tab: tb, bo: bo, stamp: stamp, photo: photo,
		invitee: fmt.Sprintf("lider-%s-%d@libres.test", tb.vp.name, time.Now().UnixNano()),
		name:    "Lucía Prueba " + stamp,
		title:   fmt.Sprintf("Bota de prueba %s %s", word[0], stamp),
		titleEN: fmt.Sprintf("Test boot %s %s", word[1], stamp),
	}
	steps := []struct {
		name string
		do   func(ctx context.Context, j *boJourney) error
	}{
		{"admin-login", stepAdminLogin},
		{"users", stepUsers},
		{"invite-form", stepInviteForm},
		{"invite-sent", stepInviteSent},
		{"logout", stepLogout},
		{"invitation", stepInvitation},
		{"set-password", stepSetPassword},
		{"new-product", stepNewProduct},
		{"size-run", stepSizeRun},
		{"create", stepCreate},
		{"photo", stepPhoto},
		{"preview", stepPreview},
		{"publish", stepPublish},
		{"product-list", stepProductList},
		{"stock", stepStock},
		{"in-the-shop", stepInTheShop},
	}
	for i, s := range steps {
		name := fmt.Sprintf("backoffice-%s-%02d-%s", tb.vp.name, i+1, s.name)
		j.shot = tb.shotPath(name)
		if err := tb.run(func(ctx context.Context) error { return s.do(ctx, j) }); err != nil {
			shot := tb.screenshot(name + "-FAILED")
			t.Fatalf("%s back-office journey, step %q failed at %s:\n  %v\n  screenshot: %s", tb.vp.name, s.name, tb.location(), err, shot)
		}
		t.Logf("%s: %s", s.name, tb.screenshot(name))
	}
}

// audit runs axe on the page the journey has just reached and saves its HTML for vnu
// (liveAudit.check), fetched with the tab's session.
func (j *boJourney) audit(ctx context.Context, name string) error {
	path, err := currentPath(ctx)
	if err != nil {
		return err
	}
	return j.bo.check(ctx, j.t, j.tab, "bo-"+name, j.shot, func() ([]byte, error) { return j.tab.serverHTML(ctx, path) })
}

func stepAdminLogin(ctx context.Context, j *boJourney) error {
	if err := adminLogIn(ctx, j.tab); err != nil {
		return err
	}
	return j.audit(ctx, "admin-dashboard")
}

// adminLogIn logs the demo admin in at /login, which leads to the admin's dashboard.
func adminLogIn(ctx context.Context, tb *tab) error {
	return logIn(ctx, tb, demoAdmin, "/admin", "Administración")
}

// logIn logs a demo account in at /login; it must land on the page at path with the
// heading.
func logIn(ctx context.Context, tb *tab, email, path, heading string) error {
	if err := navigateOK(ctx, tb.base+"/login"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Iniciar sesión"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		typeInto(`#f-email`, email),
		typeInto(`#f-password`, demoPassword),
	); err != nil {
		return fmt.Errorf("fill the login form: %w", err)
	}
	if err := pressAndLoad(ctx, tb.vp, passwordGo); err != nil {
		return err
	}
	if err := wantPath(ctx, path); err != nil {
		return err
	}
	return wantHeading(ctx, heading)
}

func stepUsers(ctx context.Context, j *boJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, boNavLink("Personas")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/admin/users"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Personas"); err != nil {
		return err
	}
	return j.audit(ctx, "admin-users")
}

func stepInviteForm(ctx context.Context, j *boJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, `//main//a[normalize-space()="Invitar a una persona"]`); err != nil {
		return err
	}
	if err := wantPath(ctx, "/admin/users/invite"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Invitar a una persona"); err != nil {
		return err
	}
	if role, err := selectedLabel(ctx, "f-role"); err != nil || role != "Líder de taller" {
		return fmt.Errorf("the invitation's role reads %q, want Líder de taller preselected (%v)", role, err)
	}
	return j.audit(ctx, "admin-invite")
}

// shoeWorkshop is the demo workshop the lead is invited to run.
const shoeWorkshop = "Taller de Calzado El Buen Pastor"

func stepInviteSent(ctx context.Context, j *boJourney) error {
	ws := chromedp.Search(fmt.Sprintf(`//main//input[@name="workshops"][@id=//label[normalize-space()=%q]/@for]`, shoeWorkshop))
	if err := chromedp.Do(ctx,
		typeInto(`#f-email`, j.invitee),
		typeInto(`#f-name`, j.name),
		press(j.tab.vp, ws),
	); err != nil {
		return fmt.Errorf("fill the invitation: %w", err)
	}
	if err := choose(ctx, "f-lang", "Español"); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, j.tab.vp, `//main//button[normalize-space()="Enviar invitación"]`); err != nil {
		return err
	}
	if _, err := wantPathLike(ctx, `^/admin/users/[0-9]+$`); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Invitación enviada."); err != nil {
		return err
	}
	if err := wantHeading(ctx, j.name); err != nil {
		return err
	}
	for sel, want := range map[string]string{".user-workshops": shoeWorkshop, ".user-state": "Invitación pendiente", ".user-role": "Líder de taller"} {
		got, err := visibleText(ctx, chromedp.Search(sel))
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("the invitee's page shows %q in %s, want %q", got, sel, want)
		}
	}
	return j.audit(ctx, "admin-user")
}

// stepLogout: the admin leaves from their account page; the back office then asks for
// a login again.
func stepLogout(ctx context.Context, j *boJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, accountLink); err != nil {
		return err
	}
	if err := wantPath(ctx, "/cuenta"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Mi cuenta"); err != nil {
		return err
	}
	if err := j.audit(ctx, "account"); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, j.tab.vp, logoutButton); err != nil {
		return err
	}
	if err := wantPath(ctx, "/login"); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Cerraste tu sesión."); err != nil {
		return err
	}
	if err := navigateOK(ctx, j.tab.base+"/admin"); err != nil {
		return err
	}
	if err := wantPath(ctx, "/login"); err != nil {
		return fmt.Errorf("after logging out, /admin: %w", err)
	}
	return nil
}
