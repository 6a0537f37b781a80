package quote

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
)

const payWhsec = "whsec_quote_pay_test"

// payFixture is an accepted quote of validForm (total COP 2.085.000, deposit 50%:
// COP 1.042.500) whose work two workshops share 70/30, with the ledger on.
type payFixture struct {
	*fixture
	q           Quote
	companyID   int64
	userID      int64
	wsA, wsB    int64 // 70% and 30% of the work
	total, depo int64
}

func newPayFixture(t *testing.T) *payFixture {
	t.Helper()
	f := newFixture(t)
	f.svc.Ledger = ledger.New(f.db, ledger.Options{Now: f.clock.Now})
	p := &payFixture{fixture: f, total: 208500000, depo: 104250000}
	p.companyID, p.userID = f.company(t, "900.123.456-8", true)
	p.wsA, p.wsB = f.workshop(t, "costura"), f.workshop(t, "bordado")
	q := f.request(t, p.companyID, p.userID)
	pr := pricing(p.wsA, "2026-03-20")
	pr.Workshops = []Assignment{{WorkshopID: p.wsB, WorkBps: 3000}, {WorkshopID: p.wsA, WorkBps: 7000}}
	ctx := context.Background()
	if _, err := f.svc.Quote(ctx, f.staff, q.ID, pr); err != nil {
		t.Fatal(err)
	}
	var err error
	if p.q, err = f.svc.Accept(ctx, p.companyID, p.userID, q.ID, 1, true); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *payFixture) money(t *testing.T) ([]Payment, Money) {
	t.Helper()
	q, err := p.svc.GetForStaff(context.Background(), p.q.ID)
	if err != nil {
		t.Fatal(err)
	}
	ps, m, err := p.svc.payments(context.Background(), p.db, q)
	if err != nil {
		t.Fatal(err)
	}
	return ps, m
}

// credit is what the ledger holds for a workshop from this quote (money, share).
func (p *payFixture) credit(t *testing.T, ws int64) (int64, int64) {
	t.Helper()
	var v struct {
		Amount int64 `db:"amount"`
		Share  int64 `db:"share"`
	}
	const sel = `SELECT coalesce(sum(amount_minor), 0) AS amount, coalesce(sum(share_minor), 0) AS share
		FROM ledger_entries WHERE workshop_id = $1 AND memo = $2`
	if err := p.db.Get(&v, sel, ws, p.q.Number); err != nil {
		t.Fatal(err)
	}
	return v.Amount, v.Share
}

func (p *payFixture) reconciled(t *testing.T) {
	t.Helper()
	r, err := p.svc.Ledger.Reconcile(context.Background(), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		var b strings.Builder
		_ = r.WriteTable(&b)
		t.Fatalf("reconcile found differences:\n%s", b.String())
	}
}

func TestMoneyBeforeAnyPayment(t *testing.T) {
	p := newPayFixture(t)
	ps, m := p.money(t)
	want := Money{Currency: "COP", Total: p.total, Deposit: p.depo, DepositDue: p.depo, BalanceDue: p.total}
	if len(ps) != 0 || m != want {
		t.Errorf("payments %v, money %+v; want none and %+v", ps, m, want)
	}
	// A quote not priced yet owes nothing.
	q := p.request(t, p.companyID, p.userID)
	_, m, err := p.svc.payments(context.Background(), p.db, q)
	if err != nil || m != (Money{Currency: "COP"}) {
		t.Errorf("unpriced quote: %+v, %v", m, err)
	}
}

func TestTransfersDepositThenBalanceSettle(t *testing.T) {
	p := newPayFixture(t)
	ctx := context.Background()
	company := p.email(t, p.userID)

	_, err := p.svc.RecordTransfer(ctx, p.staff, p.q.ID, PaymentBalance, 1000, "TRF-0")
	wantCode(t, err, apperr.Conflict, "quote.pay.not_due")

	// Part of the deposit: an amount 70/30 cannot split evenly.
	if _, err := p.svc.RecordTransfer(ctx, p.staff, p.q.ID, PaymentDeposit, 33333333, "TRF-1"); err != nil {
		t.Fatal(err)
	}
	if s := p.status(t, p.q.ID); s != StatusAccepted {
		t.Errorf("after part of the deposit: %s, want accepted", s)
	}
	if a, b := mustCredit(t, p); a != 23333333 || b != 10000000 {
		t.Errorf("credit %d / %d, want 23333333 / 10000000", a, b)
	}
	// The same transfer recorded twice (a form sent again) is refused.
	_, err = p.svc.RecordTransfer(ctx, p.staff, p.q.ID, PaymentDeposit, 33333333, " trf-1 ")
	wantCode(t, err, apperr.Invalid, "")
	if apperr.FieldsOf(err)["reference"] != "quote.pay.duplicate" {
		t.Errorf("fields %v, want reference duplicate", apperr.FieldsOf(err))
	}
	for _, tt := range []struct {
		kind   PaymentKind
		amount int64
		ref    string
		field  string
	}{
		{PaymentDeposit, 0, "TRF-9", "amount"},
		{PaymentDeposit, p.total - 33333333 + 1, "TRF-9", "amount"}, // more than is owed
		{PaymentDeposit, 100, "", "reference"},
		{PaymentDeposit, 100, strings.Repeat("x", 201), "reference"},
		{"tip", 100, "TRF-9", "kind"},
	} {
		_, err := p.svc.RecordTransfer(ctx, p.staff, p.q.ID, tt.kind, tt.amount, tt.ref)
		if apperr.FieldsOf(err)[tt.field] == "" {
			t.Errorf("%s %d %q: err %v, want a field error on %s", tt.kind, tt.amount, tt.ref, err, tt.field)
		}
	}
	if ps, _ := p.money(t); len(ps) != 1 {
		t.Fatalf("%d payments after refused transfers, want 1", len(ps))
	}

	// The rest of the deposit: deposit_paid, and the workshops hold 70/30 of it exactly.
	if _, err := p.svc.RecordTransfer(ctx, p.staff, p.q.ID, PaymentDeposit, p.depo-33333333, "TRF-2"); err != nil {
		t.Fatal(err)
	}
	if s := p.status(t, p.q.ID); s != StatusDepositPaid {
		t.Fatalf("after the deposit: %s, want deposit_paid", s)
	}
	a, b := mustCredit(t, p)
	if a != 72975000 || b != 31275000 || a+b != p.depo {
		t.Errorf("credit %d / %d, want 72975000 / 31275000 (70/30 of %d)", a, b, p.depo)
	}
	if _, share := p.credit(t, p.wsA); share != 43785000 { // 60% default share
		t.Errorf("share of the 70%% workshop %d, want 43785000", share)
	}
	_, m := p.money(t)
	if m.Paid != p.depo || m.DepositDue != 0 || m.BalanceDue != p.total-p.depo {
		t.Errorf("money %+v", m)
	}
	if n := p.mails(t, company, mailPaid, ""); n != 2 {
		t.Errorf("%d payment emails to the company, want 2", n)
	}

	// Delivered with the balance owed: not settled until it is paid.
	p.setStatus(t, p.q.ID, StatusReady)
	if _, err := p.svc.Deliver(ctx, p.staff, p.q.ID, ""); err != nil {
		t.Fatal(err)
	}
	if s := p.status(t, p.q.ID); s != StatusDelivered {
		t.Fatalf("delivered with money owed: %s", s)
	}
	if _, err := p.svc.RecordTransfer(ctx, p.staff, p.q.ID, PaymentBalance, p.total-p.depo, "TRF-3"); err != nil {
		t.Fatal(err)
	}
	if s := p.status(t, p.q.ID); s != StatusSettled {
		t.Errorf("fully paid and delivered: %s, want settled", s)
	}
	if a, b := mustCredit(t, p); a+b != p.total || a != 145950000 {
		t.Errorf("credit %d / %d, want 145950000 / 62550000", a, b)
	}
	p.reconciled(t)
}

func mustCredit(t *testing.T, p *payFixture) (int64, int64) {
	t.Helper()
	a, _ := p.credit(t, p.wsA)
	b, _ := p.credit(t, p.wsB)
	return a, b
}

func TestTransferRefund(t *testing.T) {
	p := newPayFixture(t)
	ctx := context.Background()
	pay, err := p.svc.RecordTransfer(ctx, p.staff, p.q.ID, PaymentDeposit, p.depo, "TRF-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.svc.Refund(ctx, p.staff, pay.ID, 10000001, "Talla equivocada"); err != nil {
		t.Fatal(err)
	}
	// The same refund sent twice is refused; more than is left too.
	wantCode(t, p.svc.Refund(ctx, p.staff, pay.ID, 10000001, "Talla equivocada"), apperr.Conflict, "quote.pay.refund_repeated")
	if fe := apperr.FieldsOf(p.svc.Refund(ctx, p.staff, pay.ID, p.depo, "")); fe["amount"] != "quote.pay.refund_over" {
		t.Errorf("refund over what is left: %v", fe)
	}
	ps, m := p.money(t)
	if ps[0].RefundedMinor != 10000001 || m.Paid != p.depo-10000001 || m.DepositDue != 10000001 {
		t.Errorf("after the refund: payment %+v, money %+v", ps[0], m)
	}
	if a, b := mustCredit(t, p); a+b != p.depo-10000001 {
		t.Errorf("credit %d + %d, want %d", a, b, p.depo-10000001)
	}
	if n := p.mails(t, p.email(t, p.userID), mailRefund, ""); n != 1 {
		t.Errorf("%d refund emails, want 1", n)
	}
	p.reconciled(t)
}

// cardFixture adds Stripe (stripe-mock behind a recorder) to a payFixture.
func cardFixture(t *testing.T) (*payFixture, *stripetest.Recorder, *payment.Stripe) {
	t.Helper()
	p := newPayFixture(t)
	rec, u := stripetest.NewRecorder(t, stripetest.URL(t))
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: stripetest.Key, WebhookSecret: payWhsec, APIURL: u})
	if err != nil {
		t.Fatal(err)
	}
	return p, rec, st
}

// deliver parses a signed event (as the webhook does) and applies it.
func deliver(t *testing.T, svc *Service, st *payment.Stripe, typ string, object map[string]any) payment.Event {
	t.Helper()
	payload, sig := stripetest.SignedEvent(t, payWhsec, typ, object)
	e, err := st.ParseEvent(payload, sig)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // Stripe delivers at least once
		if err := svc.ApplyEvent(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func checkoutDone(pay Payment, amount int64) map[string]any {
	id := strconv.FormatInt(pay.ID, 10)
	return map[string]any{"id": *pay.SessionID, "object": "checkout.session", "client_reference_id": "quote-payment-" + id,
		"metadata": map[string]any{"quote_payment_id": id}, "payment_intent": "pi_quote_" + id, "payment_status": "paid",
		"amount_total": amount, "currency": "cop"}
}

func TestCardDepositByWebhookRefundAndReconcile(t *testing.T) {
	p, rec, st := cardFixture(t)
	ctx := context.Background()
	pay := func(kind PaymentKind) (payment.Session, error) {
		return p.svc.PayByCard(ctx, p.companyID, p.userID, p.q.ID, kind, "es", "https://libres.test/ok", "https://libres.test/back")
	}
	_, err := pay(PaymentDeposit)
	wantCode(t, err, apperr.Conflict, "quote.pay.card_off")
	p.svc.Card = st
	_, err = pay(PaymentBalance)
	wantCode(t, err, apperr.Conflict, "quote.pay.not_due")
	// Another company's user cannot pay this quote.
	otherCo, otherUser := p.company(t, "800.197.268-4", true)
	_, err = p.svc.PayByCard(ctx, otherCo, otherUser, p.q.ID, PaymentDeposit, "es", "https://a/", "https://a/")
	wantCode(t, err, apperr.NotFound, "")

	first, err := pay(PaymentDeposit)
	if err != nil {
		t.Fatal(err)
	}
	sent := rec.Last()
	ps, _ := p.money(t)
	if len(ps) != 1 || ps[0].Status != PaymentPending || ps[0].SessionID == nil || *ps[0].SessionID != first.ID {
		t.Fatalf("payments after the checkout: %+v", ps)
	}
	id := strconv.FormatInt(ps[0].ID, 10)
	for k, v := range map[string]string{"client_reference_id": "quote-payment-" + id, "metadata[quote_payment_id]": id,
		"payment_intent_data[metadata][quote_payment_id]": id, "line_items[0][price_data][unit_amount]": strconv.FormatInt(p.depo, 10),
		"line_items[0][price_data][product_data][name]": "Anticipo " + p.q.Number, "customer_email": p.email(t, p.userID)} {
		if g := sent.Form.Get(k); g != v {
			t.Errorf("checkout %s = %q, want %q", k, g, v)
		}
	}
	if sent.IdempotencyKey() != "quote-payment-"+id {
		t.Errorf("idempotency key %q", sent.IdempotencyKey())
	}

	// A second click replaces the open checkout.
	if _, err := pay(PaymentDeposit); err != nil {
		t.Fatal(err)
	}
	ps, _ = p.money(t)
	if len(ps) != 2 || ps[0].Status != PaymentExpired || ps[1].Status != PaymentPending {
		t.Fatalf("after a second click: %+v", ps)
	}
	// The provider says another amount was paid: not credited.
	deliver(t, p.svc, st, "checkout.session.completed", checkoutDone(ps[1], p.depo-1))
	if ps2, _ := p.money(t); ps2[1].Status != PaymentPending || p.status(t, p.q.ID) != StatusAccepted {
		t.Fatalf("a mismatched amount was credited: %+v", ps2[1])
	}

	deliver(t, p.svc, st, "checkout.session.completed", checkoutDone(ps[1], p.depo))
	ps, m := p.money(t)
	if ps[1].Status != PaymentPaid || ps[1].PaymentRef != "pi_quote_"+strconv.FormatInt(ps[1].ID, 10) || m.Paid != p.depo {
		t.Fatalf("after the paid event delivered twice: %+v, %+v", ps[1], m)
	}
	if s := p.status(t, p.q.ID); s != StatusDepositPaid {
		t.Errorf("status %s, want deposit_paid", s)
	}
	if a, b := mustCredit(t, p); a != 72975000 || b != 31275000 {
		t.Errorf("credit %d / %d after two deliveries, want one payment's 72975000 / 31275000", a, b)
	}
	if n := p.mails(t, p.email(t, p.userID), mailPaid, ""); n != 1 {
		t.Errorf("%d payment emails, want 1", n)
	}

	// Refund part by card: the provider is asked once, the ledger gives it back.
	cardPay := ps[1]
	rec.Reset()
	if err := p.svc.Refund(ctx, p.staff, cardPay.ID, 20000000, "Cambio de pedido"); err != nil {
		t.Fatal(err)
	}
	r := rec.Last()
	if r.Path != "/v1/refunds" || r.Form.Get("payment_intent") != cardPay.PaymentRef || r.Form.Get("amount") != "20000000" ||
		r.Form.Get("metadata[quote_payment_id]") != strconv.FormatInt(cardPay.ID, 10) ||
		r.IdempotencyKey() != "quote-payment-"+strconv.FormatInt(cardPay.ID, 10)+"-refund-to-20000000" {
		t.Errorf("refund request %s %v key %q", r.Path, r.Form, r.IdempotencyKey())
	}
	refunded := func() (n int, total int64) {
		t.Helper()
		if err := p.db.QueryRow(`SELECT count(*), coalesce(sum(amount_minor), 0) FROM quote_refunds WHERE payment_id = $1`,
			cardPay.ID).Scan(&n, &total); err != nil {
			t.Fatal(err)
		}
		return n, total
	}
	// Its webhook changes nothing; a refund made in the provider's dashboard is recorded.
	charge := func(amount int64) map[string]any {
		return map[string]any{"id": "ch_q", "object": "charge", "payment_intent": cardPay.PaymentRef, "amount_refunded": amount,
			"currency": "cop", "metadata": map[string]any{"quote_payment_id": strconv.FormatInt(cardPay.ID, 10)}}
	}
	deliver(t, p.svc, st, "charge.refunded", charge(20000000))
	if n, total := refunded(); n != 1 || total != 20000000 {
		t.Errorf("after our refund's webhook: %d refunds, %d", n, total)
	}
	deliver(t, p.svc, st, "charge.refunded", charge(25000000))
	if n, total := refunded(); n != 2 || total != 25000000 {
		t.Errorf("after a dashboard refund: %d refunds, %d", n, total)
	}
	if a, b := mustCredit(t, p); a+b != p.depo-25000000 {
		t.Errorf("credit %d + %d, want %d", a, b, p.depo-25000000)
	}
	// The provider down: said plainly, nothing recorded.
	rec.SetDown(true)
	err = p.svc.Refund(ctx, p.staff, cardPay.ID, 1000000, "")
	if !errors.Is(err, payment.ErrUnavailable) || apperr.KeyOf(err) != "quote.pay.card_unavailable" {
		t.Errorf("provider down: %v", err)
	}
	if n, _ := refunded(); n != 2 {
		t.Errorf("%d refunds after a failed one", n)
	}
	p.reconciled(t)
}

func TestCardCheckoutExpiresAndFails(t *testing.T) {
	p, rec, st := cardFixture(t)
	p.svc.Card = st
	ctx := context.Background()
	if _, err := p.svc.PayByCard(ctx, p.companyID, p.userID, p.q.ID, PaymentDeposit, "en", "https://a/", "https://a/"); err != nil {
		t.Fatal(err)
	}
	if name := rec.Last().Form.Get("line_items[0][price_data][product_data][name]"); name != "Deposit "+p.q.Number {
		t.Errorf("line in English: %q", name)
	}
	ps, _ := p.money(t)
	obj := checkoutDone(ps[0], p.depo)
	obj["payment_status"], obj["status"] = "unpaid", "expired"
	deliver(t, p.svc, st, "checkout.session.expired", obj)
	if ps, _ = p.money(t); ps[0].Status != PaymentExpired {
		t.Errorf("expired checkout: %s", ps[0].Status)
	}
	// The provider unreachable: the pending payment is marked failed.
	rec.SetDown(true)
	_, err := p.svc.PayByCard(ctx, p.companyID, p.userID, p.q.ID, PaymentDeposit, "es", "https://a/", "https://a/")
	if !errors.Is(err, payment.ErrUnavailable) || apperr.KeyOf(err) != "quote.pay.card_unavailable" {
		t.Errorf("provider down: %v", err)
	}
	if ps, _ = p.money(t); len(ps) != 2 || ps[1].Status != PaymentFailed {
		t.Errorf("payments after an unreachable provider: %+v", ps)
	}
	if p.status(t, p.q.ID) != StatusAccepted {
		t.Error("the quote moved without money")
	}
}
