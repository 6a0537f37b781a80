// Package account owns the people who use the store: users and their roles (admin,
// workshop lead, corporate client, customer), workshop memberships, companies (minimal),
// password hashes and strength rules, sessions, single-use email links (verification,
// password reset, invitation), login throttling, and the records Ley 1581 asks for
// (consents, data export, deletion requests). It knows nothing of HTTP: the web packages
// call it and render its apperr errors.
package account

import (
	"slices"
	"time"
)

// Role says what a user may do; authorization is decided from it and the memberships.
type Role string

// The roles, as stored in the user_role enum.
const (
	RoleAdmin     Role = "admin"
	RoleLead      Role = "workshop_lead"
	RoleCorporate Role = "corporate_client"
	RoleCustomer  Role = "customer"
)

// Roles lists every role, most powerful first (for forms and filters).
var Roles = []Role{RoleAdmin, RoleLead, RoleCorporate, RoleCustomer}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// User is an account as the rest of the store sees it; the password hash never leaves
// this package.
type User struct {
	ID              int64      `json:"id"`
	Email           string     `json:"email"`
	Name            string     `json:"name"`
	Role            Role       `json:"role"`
	Lang            string     `json:"lang"`
	EmailVerifiedAt *time.Time `json:"email_verified_at"`
	DisabledAt      *time.Time `json:"disabled_at"`
	CompanyID       *int64     `json:"company_id"`
	WorkshopIDs     []int64    `json:"workshop_ids"` // leads: the workshops they run
	HasPassword     bool       `json:"has_password"` // false for an invitee who has not accepted yet
	CreatedAt       time.Time  `json:"created_at"`
}

// IsAdmin reports whether u is staff with every permission.
func (u User) IsAdmin() bool { return u.Role == RoleAdmin }

// LeadOf reports whether u leads the workshop (admins are not leads: they pass their own
// check).
func (u User) LeadOf(workshopID int64) bool {
	return u.Role == RoleLead && slices.Contains(u.WorkshopIDs, workshopID)
}

// Purpose is what a single-use emailed link is for.
type Purpose string

// Link purposes, as stored in account_token_purpose.
const (
	PurposeReset  Purpose = "reset"
	PurposeVerify Purpose = "verify"
	PurposeInvite Purpose = "invite"
)

// linkPaths is the one place the pages behind emailed links are named, per language;
// the web package registers its routes from Path so the two cannot drift apart.
var linkPaths = map[Purpose][2]string{ // {es, en}
	PurposeVerify: {"/cuenta/verificar", "/en/account/verify"},
	PurposeReset:  {"/cuenta/restablecer", "/en/account/reset"},
	PurposeInvite: {"/cuenta/invitacion", "/en/account/invitation"},
}

// Path is the page an emailed link of this purpose opens, in lang ("es" unless "en").
func (p Purpose) Path(lang string) string {
	if lang == "en" {
		return linkPaths[p][1]
	}
	return linkPaths[p][0]
}

// Lifetimes of emailed links.
const (
	ResetTTL  = time.Hour
	VerifyTTL = 48 * time.Hour
	InviteTTL = 7 * 24 * time.Hour
)

// ConsentDataPolicy is the consent a person gives to the data-processing policy
// (Ley 1581) when signing up or accepting an invitation.
const ConsentDataPolicy = "data_policy"

// PolicyVersion names the data-processing policy in force (web/content/*/privacy.html);
// change it when the policy changes, so new consents say which they accepted and forms
// ask again.
const PolicyVersion = "2026-11"

func normLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "es"
}
