package account

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/time/rate"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/notify"
)

// Options configure a Service; zero fields take the defaults.
type Options struct {
	// BaseURL is the site's origin ("https://libres.example.co"), for links in emails.
	BaseURL string
	// SessionIdle ends a session nobody used for this long (default 12 hours).
	SessionIdle time.Duration
	// SessionMax ends a session this long after login, used or not (default 30 days).
	SessionMax time.Duration
	// Now is the clock; tests move it.
	Now func() time.Time
}

// Service runs the account use cases; it is safe for concurrent use.
type Service struct {
	db   *sqlx.DB
	mail notify.Enqueuer
	opts Options
	ips  *ipLimiter // login attempts per address
	// signups bounds the accounts one address can create (in this process): a burst
	// for an office or a family behind one address, then one a minute.
	signups *ipLimiter
	// guestRequests bounds the deletion links one address can ask for (guest_privacy.go).
	guestRequests *ipLimiter
}

// New returns a Service on the pool. mail may be nil for tools that send no email (the
// command line): the use cases that send one then fail.
func New(conn *sqlx.DB, mail notify.Enqueuer, opts Options) *Service {
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = 12 * time.Hour
	}
	if opts.SessionMax <= 0 {
		opts.SessionMax = 30 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	return &Service{db: conn, mail: mail, opts: opts, ips: newIPLimiter(ipRate, ipBurst),
		signups: newIPLimiter(signupRate, signupBurst), guestRequests: newIPLimiter(guestRequestRate, guestRequestBurst)}
}

// SessionMax is how long a session may live after login: the session cookie's lifetime.
func (s *Service) SessionMax() time.Duration { return s.opts.SessionMax }

// now is the clock, truncated to what PostgreSQL stores.
func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// link is the absolute URL of an emailed link's page.
func (s *Service) link(p Purpose, lang, token string) string {
	return s.opts.BaseURL + p.Path(lang) + "?token=" + url.QueryEscape(token)
}

var errNoMailer = errors.New("account: no mail enqueuer configured")

// sendLink queues an email with a single-use link, in the caller's transaction.
func (s *Service) sendLink(ctx context.Context, tx *sqlx.Tx, u User, lang, template string, p Purpose, token string) error {
	if s.mail == nil {
		return errNoMailer
	}
	m := notify.Message{To: u.Email, Lang: normLang(lang), Template: template,
		Data: map[string]any{"Name": u.Name, "Link": s.link(p, lang, token)}}
	if p == PurposeInvite {
		// The invitation says what the account is for (the studio, the back office…).
		m.Data["Role"] = string(u.Role)
	}
	if err := s.mail.Enqueue(ctx, tx, m); err != nil {
		return fmt.Errorf("enqueue %s for user %d: %w", template, u.ID, err)
	}
	return nil
}

// RegisterInput is a customer's sign-up form.
type RegisterInput struct {
	Email         string
	Name          string
	Password      string
	Lang          string
	AcceptPolicy  bool   // the data-policy box was ticked
	PolicyVersion string // the version of the policy shown
	IP            string
	// Company, when set, is a company sign-up: it creates the company in the sign-up's
	// transaction, before the user, and returns its id; the user is then a corporate
	// client of it. Its error undoes the whole sign-up.
	Company func(ctx context.Context, tx *sqlx.Tx) (int64, error)
}

// Message keys for sign-up and consent.
const (
	keyPolicyRequired  = "account.policy.required"
	keySignupThrottled = "account.signup.throttled" // too many accounts from one address
)

// Sign-ups per address: signupBurst at once, then one every minute.
const (
	signupRate  = rate.Limit(1.0 / 60)
	signupBurst = 5
)

// Register signs a customer up: the account, the consent record and the verification
// email are written in one transaction. A taken email is a conflict on the email field
// (sign-up may say so; login and password reset never do). With in.Company the new
// user is the first corporate client of the company it creates.
func (s *Service) Register(ctx context.Context, in RegisterInput) (User, error) {
	f := fieldErrs{}
	email := checkEmail(f, in.Email)
	name := checkName(f, in.Name)
	if err := CheckPassword(in.Password, email, name); err != nil {
		f.add("password", apperr.FieldsOf(err)["password"])
	}
	if !in.AcceptPolicy {
		f.add("accept_policy", keyPolicyRequired)
	}
	if in.PolicyVersion == "" {
		return User{}, errors.New("register: no policy version given")
	}
	if err := f.err(); err != nil {
		return User{}, err
	}
	if in.IP != "" {
		if wait := s.signups.reserve(in.IP, s.now()); wait > 0 {
			minutes := max(1, int(wait.Round(time.Minute)/time.Minute))
			return User{}, &apperr.Error{Code: apperr.TooMany, Key: keySignupThrottled, Args: []any{minutes}, Err: &throttled{wait}}
		}
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	lang := normLang(in.Lang)
	var u User
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		now := s.now()
		role, companyID := RoleCustomer, int64(0)
		if in.Company != nil {
			var err error
			if companyID, err = in.Company(ctx, tx); err != nil {
				return err
			}
			role = RoleCorporate
		}
		id, err := insertUser(ctx, tx, email, name, role, lang, &hash, nil, companyID, now)
		if err != nil {
			return err
		}
		if err := recordConsent(ctx, tx, id, ConsentDataPolicy, in.PolicyVersion, in.IP, now); err != nil {
			return err
		}
		r, err := userByID(ctx, tx, id, false)
		if err != nil {
			return err
		}
		u = r.user()
		token, err := issueToken(ctx, tx, id, PurposeVerify, now, VerifyTTL)
		if err != nil {
			return err
		}
		return s.sendLink(ctx, tx, u, lang, "account_verify", PurposeVerify, token)
	})
	if err != nil {
		return User{}, fmt.Errorf("register %s: %w", email, err)
	}
	return u, nil
}

// NewUser is an account made by the command line or the demo seed: it starts with a
// password and a verified email, and sends nothing.
type NewUser struct {
	Email       string
	Name        string
	Role        Role
	Lang        string
	Password    string
	WorkshopIDs []int64 // leads
	CompanyID   int64   // corporate clients
}

// Provision creates nu on q (pass the caller's transaction). The password must pass
// CheckPassword.
func Provision(ctx context.Context, q db.Querier, nu NewUser, now time.Time) (User, error) {
	f := fieldErrs{}
	email := checkEmail(f, nu.Email)
	name := checkName(f, nu.Name)
	workshops, company := checkScope(f, nu.Role, nu.WorkshopIDs, nu.CompanyID)
	if err := CheckPassword(nu.Password, email, name); err != nil {
		f.add("password", apperr.FieldsOf(err)["password"])
	}
	if err := f.err(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return User{}, err
	}
	id, err := insertUser(ctx, q, email, name, nu.Role, nu.Lang, &hash, &now, company, now)
	if err != nil {
		return User{}, err
	}
	if err := setMemberships(ctx, q, id, workshops); err != nil {
		return User{}, err
	}
	r, err := userByID(ctx, q, id, false)
	if err != nil {
		return User{}, err
	}
	return r.user(), nil
}

// CreateUser makes an account with a password (the command line's `user create`); it
// is recorded in the audit log as the system's doing. Leads and corporate clients need
// workshops or a company: invite those instead.
func (s *Service) CreateUser(ctx context.Context, email, name string, role Role, password string) (User, error) {
	var u User
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		if u, err = Provision(ctx, tx, NewUser{Email: email, Name: name, Role: role, Password: password}, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "user.create", Entity: "user", EntityID: idStr(u.ID),
			Summary: u.Email + " (" + string(u.Role) + ")", After: u})
	})
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", strings.TrimSpace(email), err)
	}
	return u, nil
}

// UserByID returns a user, or a not-found error.
func (s *Service) UserByID(ctx context.Context, id int64) (User, error) {
	r, err := userByID(ctx, s.db, id, false)
	if err != nil {
		return User{}, err
	}
	return r.user(), nil
}

// UpdateProfile changes what people may change about themselves: name and language.
func (s *Service) UpdateProfile(ctx context.Context, userID int64, name, lang string) (User, error) {
	f := fieldErrs{}
	name = checkName(f, name)
	if err := f.err(); err != nil {
		return User{}, err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET name = $2, lang = $3 WHERE id = $1`, userID, name, normLang(lang))
	if err != nil {
		return User{}, fmt.Errorf("update profile of user %d: %w", userID, db.Translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return User{}, apperr.New(apperr.NotFound, keyUserNotFound)
	}
	return s.UserByID(ctx, userID)
}

const keyWrongCurrent = "account.password.wrong_current"

// ChangePassword replaces a logged-in user's password after checking the current one,
// and ends every other session: the one whose token is keepToken stays. Wrong current
// passwords count as failed logins, so a stolen session cannot guess its way further.
func (s *Service) ChangePassword(ctx context.Context, userID int64, current, newPassword, keepToken string) error {
	r, err := userByID(ctx, s.db, userID, false)
	if err != nil {
		return err
	}
	if err := s.checkThrottle(ctx, emailKey(r.Email), ""); err != nil {
		return err
	}
	hash := dummyHash()
	if r.PasswordHash != nil {
		hash = *r.PasswordHash
	}
	ok, _, err := VerifyPassword(hash, current)
	if err != nil {
		return fmt.Errorf("change password of user %d: %w", userID, err)
	}
	if !ok || r.PasswordHash == nil {
		if err := s.recordFailure(ctx, emailKey(r.Email), ""); err != nil {
			return err
		}
		return apperr.Fields(map[string]string{"current_password": keyWrongCurrent})
	}
	if err := CheckPassword(newPassword, r.Email, r.Name); err != nil {
		return err
	}
	newHash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, newHash); err != nil {
			return fmt.Errorf("change password of user %d: %w", userID, db.Translate(err))
		}
		const del = `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`
		if _, err := tx.ExecContext(ctx, del, userID, hashToken(keepToken)); err != nil {
			return fmt.Errorf("end other sessions of user %d: %w", userID, db.Translate(err))
		}
		return nil
	})
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }
