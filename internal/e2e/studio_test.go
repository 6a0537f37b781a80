package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/libres/storefront/internal/notify/mailpittest"
)

// leadPassword is what the invited lead chooses: long enough for the store's rules.
const leadPassword = "Taller-de-calzado-2026!"

var (
	productStatus = chromedp.Search(`//main//header//span[contains(@class,"status")]`)
	saveProduct   = chromedp.Search(`//main//button[@name="action"][@value="save"]`)
)

// stepInvitation: the invitee opens the link of the email the store sent through its
// worker to Mailpit.
func stepInvitation(ctx context.Context, j *boJourney) error {
	link, err := invitationLink(ctx, j)
	if err != nil {
		return err
	}
	if err := navigateOK(ctx, link); err != nil {
		return err
	}
	if err := wantPath(ctx, "/cuenta/invitacion"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Acepta tu invitación"); err != nil {
		return err
	}
	lead, err := visibleText(ctx, `//main//header//p[contains(@class,"lead")]`)
	if err != nil {
		return err
	}
	if !strings.Contains(lead, j.invitee) {
		return fmt.Errorf("the invitation page says %q, want it to name %s", lead, j.invitee)
	}
	return j.audit(ctx, "invitation")
}

// invitationLink waits (within the step's time) for the email to the invitee and
// returns its link to the Spanish invitation page.
func invitationLink(ctx context.Context, j *boJourney) (string, error) {
	want := j.tab.base + "/cuenta/invitacion?token="
	for {
		if ids := mailpittest.IDs(j.t, j.invitee); len(ids) > 0 {
			m := mailpittest.Get(j.t, ids[0])
			links := mailpittest.Links(m.Text)
			for _, l := range links {
				if strings.HasPrefix(l, want) {
					return l, nil
				}
			}
			return "", fmt.Errorf("the invitation email %s has no link starting with %s; its links: %q", m, want, links)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no email to %s reached Mailpit: %w", j.invitee, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func stepSetPassword(ctx context.Context, j *boJourney) error {
	if err := chromedp.Do(ctx,
		typeInto(`#f-password`, leadPassword),
		press(j.tab.vp, `#f-accept_policy`),
	); err != nil {
		return fmt.Errorf("fill the invitation form: %w", err)
	}
	if ok, err := eval[bool](ctx, `document.getElementById("f-accept_policy").checked`); err != nil || !ok {
		return fmt.Errorf("pressing the data-policy box did not tick it (%v)", err)
	}
	if err := pressAndLoad(ctx, j.tab.vp, passwordGo); err != nil {
		return err
	}
	if err := wantPath(ctx, "/studio"); err != nil {
		return err
	}
	if err := wantFlash(ctx, "¡Bienvenida o bienvenido! Tu cuenta está lista."); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Estudio"); err != nil {
		return err
	}
	if _, err := visibleText(ctx, chromedp.Search(fmt.Sprintf(`//main//section/h2[normalize-space()=%q]`, shoeWorkshop))); err != nil {
		return fmt.Errorf("the studio does not show the lead's workshop: %w", err)
	}
	return j.audit(ctx, "studio-dashboard")
}

func stepNewProduct(ctx context.Context, j *boJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, boNavLink("Nuevo producto")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/studio/products/new"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Nuevo producto"); err != nil {
		return err
	}
	// The lead runs one workshop: it is chosen already.
	if ws, err := selectedLabel(ctx, "f-workshop_id"); err != nil || ws != shoeWorkshop {
		return fmt.Errorf("the workshop reads %q, want %q preselected (%v)", ws, shoeWorkshop, err)
	}
	return j.audit(ctx, "studio-new")
}

// variantRow is one filled row of the editor's variants table, as shown.
type variantRow struct {
	Size      string `json:"size"`
	SKU       string `json:"sku"`
	Stock     string `json:"stock"`
	StockName string `json:"stockName"`
}

const variantRowsJS = `[...document.querySelectorAll('main input[name^="variants."][name$=".size"]')]
	.filter(i => i.value.trim() !== "")
	.map(i => {
		const p = i.name.slice(0, -"size".length);
		const v = n => document.querySelector('input[name="' + p + n + '"]')?.value ?? "";
		return {size: i.value, sku: v("sku"), stock: v("stock"), stockName: p + "stock"};
	})`

// stepSizeRun: the lead fills the product in and lets the size run add a row per size.
func stepSizeRun(ctx context.Context, j *boJourney) error {
	if err := chromedp.Do(ctx,
		typeInto(`#f-title_es`, j.title),
		typeInto(`#f-title_en`, j.titleEN),
		typeInto(`#f-description_es`, "Bota de cuero cosida a mano, con suela de caucho."),
		typeInto(`#f-price`, "145.000"),
		typeInto(`#f-size_run`, "38-39"),
	); err != nil {
		return fmt.Errorf("fill the product form: %w", err)
	}
	if err := choose(ctx, "f-category_id", "Calzado"); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, j.tab.vp, `//main//button[@name="action"][@value="sizes"]`); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Nuevo producto"); err != nil {
		return err
	}
	if title, err := eval[string](ctx, `document.getElementById("f-title_es").value`); err != nil || title != j.title {
		return fmt.Errorf("after adding sizes the title reads %q, want what was typed, %q (%v)", title, j.title, err)
	}
	rows, err := eval[[]variantRow](ctx, variantRowsJS)
	if err != nil {
		return err
	}
	if len(rows) != 2 || rows[0].Size != "38" || rows[1].Size != "39" {
		return fmt.Errorf("the size run 38-39 gave rows %+v, want sizes 38 and 39", rows)
	}
	for _, r := range rows {
		if r.SKU == "" {
			return fmt.Errorf("the size run left size %s without a SKU", r.Size)
		}
	}
	return nil
}

// stepCreate: two pairs in 38, one in 39, and the draft is created.
func stepCreate(ctx context.Context, j *boJourney) error {
	rows, err := eval[[]variantRow](ctx, variantRowsJS)
	if err != nil {
		return err
	}
	stock := map[string]string{"38": "2", "39": "1"}
	for _, r := range rows {
		if err := chromedp.Do(ctx, typeInto(chromedp.Search(fmt.Sprintf(`//main//input[@name=%q]`, r.StockName)), stock[r.Size])); err != nil {
			return fmt.Errorf("type the stock of size %s: %w", r.Size, err)
		}
	}
	if err := pressAndLoad(ctx, j.tab.vp, saveProduct); err != nil {
		return err
	}
	if j.editor, err = wantPathLike(ctx, `^/studio/products/[0-9]+$`); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Creamos el borrador. Agrega fotos y publícalo cuando esté listo."); err != nil {
		return err
	}
	if err := wantHeading(ctx, j.title); err != nil {
		return err
	}
	if st, err := visibleText(ctx, productStatus); err != nil || st != "Borrador" {
		return fmt.Errorf("the new product's status reads %q, want Borrador (%v)", st, err)
	}
	saved, err := eval[[]variantRow](ctx, variantRowsJS)
	if err != nil {
		return err
	}
	got := map[string]string{}
	for _, r := range saved {
		got[r.Size] = r.Stock
	}
	if len(got) != 2 || got["38"] != "2" || got["39"] != "1" {
		return fmt.Errorf("the saved product's rows are %+v, want 38 with 2 and 39 with 1", saved)
	}
	return nil
}

func stepPhoto(ctx context.Context, j *boJourney) error {
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(`#f-photos`, []string{j.photo})); err != nil {
		return fmt.Errorf("choose the photo: %w", err)
	}
	if err := pressAndLoad(ctx, j.tab.vp, `//main//form[@enctype="multipart/form-data"]//button[@type="submit"]`); err != nil {
		return err
	}
	if err := wantPath(ctx, j.editor); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Agregamos las fotos. Les quitamos los datos de ubicación y de la cámara."); err != nil {
		return err
	}
	if n, err := eval[int](ctx, `document.querySelectorAll("main .photo-list img").length`); err != nil || n != 1 {
		return fmt.Errorf("the product shows %d photos, want the 1 uploaded (%v)", n, err)
	}
	if err := loadedImage(ctx, "main .photo-list img"); err != nil {
		return err
	}
	return j.audit(ctx, "studio-product")
}

// stepPreview: the draft as shoppers will see it, then back to the editor.
func stepPreview(ctx context.Context, j *boJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, `//main//a[normalize-space()="Vista previa"]`); err != nil {
		return err
	}
	if err := wantPath(ctx, j.editor+"/preview"); err != nil {
		return err
	}
	note, err := visibleText(ctx, `//main//p[contains(@class,"preview-note")]`)
	if err != nil {
		return err
	}
	if note != "Vista previa: así verá este producto quien compra." {
		return fmt.Errorf("the preview's note reads %q", note)
	}
	if err := wantProductPage(ctx, j); err != nil {
		return err
	}
	if err := j.audit(ctx, "studio-preview"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.NavigateBack()); err != nil {
		return fmt.Errorf("go back to the editor: %w", err)
	}
	return wantPath(ctx, j.editor)
}

// wantProductPage wants the shop's page of the journey's product: its title, price,
// photo and both sizes on offer.
func wantProductPage(ctx context.Context, j *boJourney) error {
	if err := wantHeading(ctx, j.title); err != nil {
		return err
	}
	price, err := visibleText(ctx, productPrice)
	if err != nil {
		return err
	}
	if price != "$ 145.000" {
		return fmt.Errorf("the product's price reads %q, want $ 145.000", price)
	}
	if err := loadedImage(ctx, "main .gallery-main img"); err != nil {
		return err
	}
	vs, err := eval[[]variantState](ctx, variantsJS)
	if err != nil {
		return err
	}
	var sizes []string
	for _, v := range vs {
		if v.Disabled || !v.Visible {
			return fmt.Errorf("size %q is not on offer", v.Label)
		}
		sizes = append(sizes, strings.Fields(v.Label)[0])
	}
	if !slices.Equal(sizes, []string{"38", "39"}) {
		return fmt.Errorf("the product offers sizes %q, want 38 and 39", sizes)
	}
	return nil
}

func stepPublish(ctx context.Context, j *boJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, `//main//button[@name="status"][@value="active"]`); err != nil {
		return err
	}
	if err := wantPath(ctx, j.editor); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Publicamos el producto: ya está en la tienda."); err != nil {
		return err
	}
	if st, err := visibleText(ctx, productStatus); err != nil || st != "Publicado" {
		return fmt.Errorf("the product's status reads %q, want Publicado (%v)", st, err)
	}
	href, err := eval[string](ctx, `[...document.querySelectorAll("main header a")].find(a => a.textContent.trim() === "Ver en la tienda")?.getAttribute("href") ?? ""`)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(href, "/producto/") {
		return fmt.Errorf("the published product's link to the shop is %q, want /producto/…", href)
	}
	j.shopURL = href
	return nil
}

// tableRowsJS returns the cells' text of the table rows whose first link reads title.
const tableRowsJS = `[...document.querySelectorAll("main table tbody tr")]
	.filter(tr => tr.querySelector("a")?.textContent.trim() === %s)
	.map(tr => [...tr.cells].map(td => td.querySelector("input:not([type=hidden])")?.value ?? td.innerText.trim()))`

func stepProductList(ctx context.Context, j *boJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, boNavLink("Productos")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/studio/products"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Productos"); err != nil {
		return err
	}
	rows, err := eval[[][]string](ctx, fmt.Sprintf(tableRowsJS, jsString(j.title)))
	if err != nil {
		return err
	}
	// product, workshop, status, price, stock, photos
	if len(rows) != 1 || len(rows[0]) != 6 {
		return fmt.Errorf("the product list shows %q for %q, want one row", rows, j.title)
	}
	// The status cell may add a badge ("Pocas unidades") after the status.
	if r := rows[0]; r[1] != shoeWorkshop || !strings.HasPrefix(r[2], "Publicado") || r[4] != "3" || r[5] != "1" {
		return fmt.Errorf("the product list's row reads %q, want the workshop, Publicado, 3 in stock and 1 photo", r)
	}
	return j.audit(ctx, "studio-products")
}

func stepStock(ctx context.Context, j *boJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, boNavLink("Existencias")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/studio/stock"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Existencias"); err != nil {
		return err
	}
	rows, err := eval[[][]string](ctx, fmt.Sprintf(tableRowsJS, jsString(j.title)))
	if err != nil {
		return err
	}
	// product, workshop, SKU, size, colour, stock
	got := map[string]string{}
	for _, r := range rows {
		if len(r) == 6 {
			got[r[3]] = r[5]
		}
	}
	if len(rows) != 2 || got["38"] != "2" || got["39"] != "1" {
		return fmt.Errorf("the stock sheet shows %q for %q, want size 38 with 2 and 39 with 1", rows, j.title)
	}
	return j.audit(ctx, "studio-stock")
}

// stepInTheShop: from the stock sheet to the product, and on to its page in the shop.
func stepInTheShop(ctx context.Context, j *boJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, chromedp.Search(fmt.Sprintf(`(//main//table//a[normalize-space()=%q])[1]`, j.title))); err != nil {
		return err
	}
	if err := wantPath(ctx, j.editor); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, j.tab.vp, `//main//header//a[normalize-space()="Ver en la tienda"]`); err != nil {
		return err
	}
	if err := wantPath(ctx, j.shopURL); err != nil {
		return err
	}
	return wantProductPage(ctx, j)
}
