package e2e

import (
	"context"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// Staff confirm the transfer and ship the order, in a tab of their own.

// stepAdminOrders: an admin, in a browser of their own, finds the order in the back
// office's order list by its number and opens it.
func stepAdminOrders(ctx context.Context, j *buyJourney) error {
	if err := adminLogIn(ctx, j.admin); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, j.admin.vp, boNavLink("Pedidos")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/admin/orders"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Pedidos"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, typeInto(`#of-q`, j.number)); err != nil {
		return fmt.Errorf("search the order: %w", err)
	}
	if err := pressAndLoad(ctx, j.admin.vp, `//main//form[@role="search"]//button[normalize-space()="Filtrar"]`); err != nil {
		return err
	}
	rows, err := eval[[][]string](ctx, `[...document.querySelectorAll("main table tbody tr")].map(tr => [...tr.cells].map(c => c.innerText.replace(/\s+/g, " ").trim()))`)
	if err != nil {
		return err
	}
	// number, date, customer, status, method, total
	if len(rows) != 1 || len(rows[0]) != 6 {
		return fmt.Errorf("searching %s lists %q, want its one row", j.number, rows)
	}
	r := rows[0]
	if r[0] != j.number || !strings.Contains(r[2], j.email) || !strings.HasPrefix(r[3], "Esperando el pago") ||
		r[4] != "Transferencia bancaria" || pesos(r[5]) != j.totals.total {
		return fmt.Errorf("the order's row reads %q, want its number, the shopper, Esperando el pago, Transferencia bancaria and %d", r, j.totals.total)
	}
	if err := j.checkAdmin(ctx, "admin-orders"); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, j.admin.vp, chromedp.Search(fmt.Sprintf(`//main//table//a[normalize-space()=%q]`, j.number))); err != nil {
		return err
	}
	if j.adminOrder, err = wantPathLike(ctx, `^/admin/orders/[0-9]+$`); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Pedido "+j.number); err != nil {
		return err
	}
	return j.checkAdmin(ctx, "admin-order")
}

// checkAdmin audits the admin tab's page, fetched with its session for vnu (unless
// the journey has no audit: the ledger journey leaves these pages to the checkout's).
func (j *buyJourney) checkAdmin(ctx context.Context, name string) error {
	if j.sh.audit == nil {
		return nil
	}
	path, err := currentPath(ctx)
	if err != nil {
		return err
	}
	return j.sh.audit.check(ctx, j.t, j.admin, "bo-"+name, j.shot, func() ([]byte, error) { return j.admin.serverHTML(ctx, path) })
}

// adminStatus is the order's status in the admin's order page.
var adminStatus = chromedp.Search(`//main//dd[contains(@class,"order-status-text")]`)

// stepAdminPaid: the transfer arrived; the admin records it with its reference.
func stepAdminPaid(ctx context.Context, j *buyJourney) error {
	if err := chromedp.Do(ctx, typeInto(`#f-paid_reference`, "TRF-"+j.number)); err != nil {
		return fmt.Errorf("type the reference: %w", err)
	}
	if err := pressAndLoad(ctx, j.admin.vp, button("Marcar como pagado")); err != nil {
		return err
	}
	if err := wantPath(ctx, j.adminOrder); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Pago registrado."); err != nil {
		return err
	}
	if st, err := visibleText(ctx, adminStatus); err != nil || st != "Pagado" {
		return fmt.Errorf("after marking it paid the order's status reads %q, want Pagado (%v)", st, err)
	}
	if ref, err := visibleText(ctx, `//main//dd[contains(@class,"payment-ref")]`); err != nil || ref != "TRF-"+j.number {
		return fmt.Errorf("the payment reference reads %q, want TRF-%s (%v)", ref, j.number, err)
	}
	return nil
}

// stepAdminShipped: the parcel leaves with a carrier and a tracking number.
func stepAdminShipped(ctx context.Context, j *buyJourney) error {
	j.carrier, j.tracking = "Servientrega", "SV"+strings.ReplaceAll(strings.TrimPrefix(j.number, "LIB-"), "-", "")
	if err := chromedp.Do(ctx,
		typeInto(`#f-carrier`, j.carrier),
		typeInto(`#f-tracking`, j.tracking),
	); err != nil {
		return fmt.Errorf("fill the shipment: %w", err)
	}
	if err := pressAndLoad(ctx, j.admin.vp, button("Marcar como enviado")); err != nil {
		return err
	}
	if err := wantPath(ctx, j.adminOrder); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Pedido marcado como enviado; avisamos al cliente."); err != nil {
		return err
	}
	if st, err := visibleText(ctx, adminStatus); err != nil || st != "Enviado" {
		return fmt.Errorf("after shipping the order's status reads %q, want Enviado (%v)", st, err)
	}
	if got, err := visibleText(ctx, `//main//dd[contains(@class,"shipment")]`); err != nil || got != j.carrier+" · "+j.tracking {
		return fmt.Errorf("the shipment reads %q, want %s · %s (%v)", got, j.carrier, j.tracking, err)
	}
	return nil
}
