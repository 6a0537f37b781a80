package corporate

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// SignupView is the company sign-up page.
type SignupView struct {
	Form                   *kit.Form
	Action, Login, Privacy string
}

// signupFields are the form's fields: the company's, then its first person's.
var signupFields = []string{"name", "nit", "billing_address", "city", "contact_name", "contact_phone",
	"email", "password", "accept_policy"}

func (h *Handler) signupForm(c *gin.Context, lang string) error {
	return h.renderSignup(c, lang, http.StatusOK, kit.EmptyForm())
}

func (h *Handler) renderSignup(c *gin.Context, lang string, status int, f *kit.Form) error {
	pg := h.Page(c, lang, h.T(lang, "corporate.signup.title"), h.T(lang, "corporate.signup.description"),
		alt(func(p paths) string { return p.Signup }))
	pg.Flash = h.TakeFlash(c)
	if status != http.StatusOK {
		pg.NoIndex = true
	}
	pg.Data = SignupView{Form: f, Action: routes[lang].Signup, Login: kit.LoginPath(lang, quotesPath), Privacy: pg.Nav.Privacy}
	return h.Render(c, status, "corporate/signup", pg)
}

// signup creates the company (pending approval) and its first person, a corporate
// client who can log in at once and sees the company waiting for approval, in one
// transaction; staff are emailed and the person gets the email-verification link.
func (h *Handler) signup(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, signupFields...)
	sf := quote.SignUpForm{Name: f.V("name"), NIT: f.V("nit"), BillingAddress: f.V("billing_address"),
		City: f.V("city"), ContactName: f.V("contact_name"), ContactPhone: f.V("contact_phone"), ContactEmail: f.V("email")}
	// The company's errors are found first, so the page shows them with the person's.
	companyErr := sf.Validate()
	ctx := c.Request.Context()
	var inTx error // the company's error inside the transaction (a NIT taken meanwhile)
	u, err := h.Accounts.Register(ctx, account.RegisterInput{Email: f.V("email"), Name: f.V("contact_name"),
		Password: f.V("password"), Lang: lang, AcceptPolicy: f.Checked("accept_policy"),
		PolicyVersion: account.PolicyVersion, IP: c.ClientIP(),
		Company: func(ctx context.Context, tx *sqlx.Tx) (int64, error) {
			if companyErr != nil {
				inTx = companyErr
				return 0, companyErr
			}
			co, err := h.Quotes.SignUpCompanyTx(ctx, tx, sf)
			inTx = err
			return co.ID, err
		}})
	if err != nil {
		if inTx == nil {
			err = signupError(err, companyErr)
		} else {
			err = signupError(nil, inTx)
		}
		if status := h.Fail(f, lang, err); status != 0 {
			if wait := kit.RetryAfterOf(err); wait > 0 {
				c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			}
			return h.renderSignup(c, lang, status, f)
		}
		return err
	}
	token, err := h.Accounts.CreateSession(ctx, u.ID, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return err
	}
	h.SetSessionCookie(c, token, h.Accounts.SessionMax())
	h.SetFlash(c, "ok", "corporate.signup.done")
	kit.Redirect(c, quotesPath)
	return nil
}

// signupError names the form's fields in an error of the person (personErr, nil when
// the error is the company's alone) and the company's (companyErr): the person's name is
// the contact's, the company's contact email is the person's email. An error that is not
// about the form is returned as it is.
func signupError(personErr, companyErr error) error {
	main := personErr
	if main == nil {
		main = companyErr
	}
	e := apperr.As(main)
	if e == nil || e.Code == apperr.Internal {
		return main
	}
	fields := map[string]string{}
	for k, v := range apperr.FieldsOf(companyErr) {
		if k == "contact_email" {
			k = "email"
		}
		fields[k] = v
	}
	for k, v := range apperr.FieldsOf(personErr) {
		if k == "name" {
			k = "contact_name"
		}
		if _, ok := fields[k]; !ok {
			fields[k] = v
		}
	}
	return &apperr.Error{Code: e.Code, Key: e.Key, Args: e.Args, Fields: fields, Err: main}
}
