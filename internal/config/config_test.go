package config

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 8080 || c.BaseURL != "http://localhost:8080" || c.MediaBaseURL != "/media" || c.UseS3() {
		t.Errorf("defaults: %+v", c)
	}
	if err := c.RequireDatabase(); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("RequireDatabase = %v, want an error naming DATABASE_URL", err)
	}
}

func TestLoadTrustedProxies(t *testing.T) {
	c, err := Load(env(map[string]string{"LIBRES_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7"}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.TrustedProxies, "|") != "10.0.0.0/8|192.168.1.7" {
		t.Errorf("TrustedProxies = %q", c.TrustedProxies)
	}
}

func TestLoadS3DerivesMediaURL(t *testing.T) {
	c, err := Load(env(map[string]string{"LIBRES_S3_ENDPOINT": "127.0.0.1:9000", "LIBRES_S3_ACCESS_KEY": "a", "LIBRES_S3_SECRET_KEY": "b"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MediaBaseURL != "http://127.0.0.1:9000/libres-photos" {
		t.Errorf("MediaBaseURL = %q", c.MediaBaseURL)
	}
}

func TestLoadInvalidNamesVariable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"port not a number", map[string]string{"PORT": "eighty"}, "PORT"},
		{"port out of range", map[string]string{"PORT": "70000"}, "PORT"},
		{"bad database url", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{"bad base url", map[string]string{"LIBRES_BASE_URL": "localhost"}, "LIBRES_BASE_URL"},
		{"base url with a path", map[string]string{"LIBRES_BASE_URL": "https://x.co/shop"}, "LIBRES_BASE_URL"},
		{"protocol-relative media url", map[string]string{"LIBRES_MEDIA_BASE_URL": "//cdn.example"}, "LIBRES_MEDIA_BASE_URL"},
		{"media url without scheme", map[string]string{"LIBRES_MEDIA_BASE_URL": "ftp://cdn.example"}, "LIBRES_MEDIA_BASE_URL"},
		{"bad bool", map[string]string{"LIBRES_S3_SECURE": "yes please"}, "LIBRES_S3_SECURE"},
		{"s3 without keys", map[string]string{"LIBRES_S3_ENDPOINT": "127.0.0.1:9000"}, "LIBRES_S3_ACCESS_KEY"},
		{"bad log level", map[string]string{"LIBRES_LOG_LEVEL": "loud"}, "LIBRES_LOG_LEVEL"},
		{"seller NIT with a wrong check digit", seller(map[string]string{"LIBRES_SELLER_NIT": "800.197.268-5"}), "LIBRES_SELLER_NIT"},
		{"seller half configured", map[string]string{"LIBRES_SELLER_NAME": "Fundación X"}, "LIBRES_SELLER_NIT"},
		{"smtp url without a port", map[string]string{"SMTP_URL": "smtp://mail.example.co"}, "SMTP_URL"},
		{"smtp url with another scheme", map[string]string{"SMTP_URL": "http://mail.example.co:25"}, "SMTP_URL"},
		{"smtp url with an unknown option", map[string]string{"SMTP_URL": "smtp://mail.example.co:25?tls=maybe"}, "SMTP_URL"},
		{"starttls with implicit tls", map[string]string{"SMTP_URL": "smtps://mail.example.co:465?starttls=required"}, "SMTP_URL"},
		{"mail from not an address", map[string]string{"LIBRES_MAIL_FROM": "Libres"}, "LIBRES_MAIL_FROM"},
		{"workers not a bool", map[string]string{"LIBRES_WORKERS": "sometimes"}, "LIBRES_WORKERS"},
		{"trusted proxy not an address", map[string]string{"LIBRES_TRUSTED_PROXIES": "10.0.0.0/8, the load balancer"}, "LIBRES_TRUSTED_PROXIES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			var ce *Error
			if !errors.As(err, &ce) || ce.Var != tt.want {
				t.Fatalf("Load error = %v, want one naming %s", err, tt.want)
			}
		})
	}
}

func TestPrintMasksSecrets(t *testing.T) {
	c, err := Load(env(map[string]string{
		"DATABASE_URL":         "postgres://shop:hunter2@db:5432/libres",
		"LIBRES_S3_ENDPOINT":   "s3.local:9000",
		"LIBRES_S3_ACCESS_KEY": "AKIAEXAMPLE",
		"LIBRES_S3_SECRET_KEY": "supersecret",
		"SMTP_URL":             "smtp://mailer:smtp-pass-9@mail.example.co:587?starttls=required",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	c.Print(&b)
	out := b.String()
	for _, secret := range []string{"hunter2", "AKIAEXAMPLE", "supersecret", "smtp-pass-9"} {
		if strings.Contains(out, secret) {
			t.Errorf("printed config shows secret %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "postgres://shop:****@db:5432/libres") {
		t.Errorf("database URL not shown masked:\n%s", out)
	}
	if !strings.Contains(out, "smtp://mailer:****@mail.example.co:587?starttls=required") {
		t.Errorf("SMTP URL not shown masked:\n%s", out)
	}
}

func TestLoadMail(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPURL != "" || c.MailFrom != "Libres <no-reply@localhost>" || !c.Workers {
		t.Errorf("mail defaults: SMTPURL=%q MailFrom=%q Workers=%v", c.SMTPURL, c.MailFrom, c.Workers)
	}
	c, err = Load(env(map[string]string{"SMTP_URL": "smtps://u:p@mail.example.co:465", "LIBRES_BASE_URL": "https://libres.example.co",
		"LIBRES_WORKERS": "false"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPURL != "smtps://u:p@mail.example.co:465" || c.MailFrom != "Libres <no-reply@libres.example.co>" || c.Workers {
		t.Errorf("mail configured: SMTPURL=%q MailFrom=%q Workers=%v", c.SMTPURL, c.MailFrom, c.Workers)
	}
}

// seller returns a complete, valid seller configuration with overrides.
func seller(over map[string]string) map[string]string {
	m := map[string]string{"LIBRES_SELLER_NAME": "Fundación X", "LIBRES_SELLER_NIT": "8001972684",
		"LIBRES_SELLER_ADDRESS": "Calle 1 # 2-3, Bogotá", "LIBRES_SELLER_PHONE": "+57 300 000 0000",
		"LIBRES_SELLER_EMAIL": "hola@x.co"}
	for k, v := range over {
		m[k] = v
	}
	return m
}

func TestSeller(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || !c.Seller.Sample {
		t.Fatalf("no seller configured: %+v, %v; want the sample seller", c.Seller, err)
	}
	c, err = Load(env(seller(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if c.Seller.Sample || c.Seller.NIT != "800.197.268-4" || c.Seller.Name != "Fundación X" {
		t.Errorf("configured seller = %+v", c.Seller)
	}
}

func TestLoadStripe(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.UseStripe() || c.Stripe != (Stripe{}) {
		t.Fatalf("no Stripe configured: %+v, %v; want card payment off", c.Stripe, err)
	}
	c, err = Load(env(map[string]string{"STRIPE_SECRET_KEY": "sk_test_abc", "STRIPE_WEBHOOK_SECRET": "whsec_xyz",
		"STRIPE_API_URL": "http://127.0.0.1:12111/"}))
	if err != nil {
		t.Fatal(err)
	}
	want := Stripe{SecretKey: "sk_test_abc", WebhookSecret: "whsec_xyz", APIURL: "http://127.0.0.1:12111"}
	if !c.UseStripe() || c.Stripe != want {
		t.Errorf("Stripe = %+v, want %+v", c.Stripe, want)
	}
	if _, err := Load(env(map[string]string{"STRIPE_SECRET_KEY": "sk_live_abc", "STRIPE_WEBHOOK_SECRET": "whsec_xyz",
		"STRIPE_API_URL": "https://stripe-proxy.example.co"})); err != nil {
		t.Errorf("live key over https: %v", err)
	}
}

func TestLoadStripeInvalid(t *testing.T) {
	both := func(key, whsec string, over map[string]string) map[string]string {
		m := map[string]string{"STRIPE_SECRET_KEY": key, "STRIPE_WEBHOOK_SECRET": whsec}
		for k, v := range over {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"publishable key", both("pk_test_abc", "whsec_x", nil), "STRIPE_SECRET_KEY"},
		{"key of no known kind", both("abc123", "whsec_x", nil), "STRIPE_SECRET_KEY"},
		{"key without webhook secret", both("sk_test_abc", "", nil), "STRIPE_WEBHOOK_SECRET"},
		{"webhook secret without key", both("", "whsec_x", nil), "STRIPE_SECRET_KEY"},
		{"webhook secret of another kind", both("sk_test_abc", "sk_test_abc", nil), "STRIPE_WEBHOOK_SECRET"},
		{"api url without scheme", both("sk_test_abc", "whsec_x", map[string]string{"STRIPE_API_URL": "127.0.0.1:12111"}), "STRIPE_API_URL"},
		{"api url with a path", both("sk_test_abc", "whsec_x", map[string]string{"STRIPE_API_URL": "http://127.0.0.1:12111/stripe"}), "STRIPE_API_URL"},
		{"live key over plain http", both("sk_live_abc", "whsec_x", map[string]string{"STRIPE_API_URL": "http://proxy.example.co"}), "STRIPE_API_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			var ce *Error
			if !errors.As(err, &ce) || ce.Var != tt.want {
				t.Fatalf("Load error = %v, want one naming %s", err, tt.want)
			}
			for _, secret := range []string{"abc123", "sk_test_abc", "pk_test_abc"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error shows the secret %q: %v", secret, err)
				}
			}
		})
	}
}

func TestPrintMasksStripeSecrets(t *testing.T) {
	c, err := Load(env(map[string]string{"STRIPE_SECRET_KEY": "sk_live_51Hsecretpart", "STRIPE_WEBHOOK_SECRET": "whsec_signingpart"}))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	c.Print(&b)
	out := b.String()
	for _, secret := range []string{"51Hsecretpart", "signingpart"} {
		if strings.Contains(out, secret) {
			t.Errorf("printed config shows secret %q:\n%s", secret, out)
		}
	}
	for _, shown := range []string{"sk_live_****", "whsec_****"} {
		if !strings.Contains(out, shown) {
			t.Errorf("printed config lacks %q (the key's kind):\n%s", shown, out)
		}
	}
}

func TestLoadOrders(t *testing.T) {
	c, err := Load(env(map[string]string{}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Orders.ManualHoldHours != 72 || c.Orders.ShippingMinor != 15000_00 || c.Orders.FreeShippingFrom != 300000_00 ||
		c.Orders.LinkKey != "" || !strings.Contains(c.Orders.TransferES, "EJEMPLO") || c.Orders.TransferEN != c.Orders.TransferES {
		t.Fatalf("order defaults: %+v", c.Orders)
	}
	c, err = Load(env(map[string]string{"LIBRES_ORDER_LINK_KEY": strings.Repeat("k", 32), "LIBRES_SHIPPING_COP": "12.000",
		"LIBRES_FREE_SHIPPING_FROM_COP": "0", "LIBRES_MANUAL_HOLD_HOURS": "48"}))
	if err != nil || c.Orders.ShippingMinor != 12000_00 || c.Orders.FreeShippingFrom != 0 || c.Orders.ManualHoldHours != 48 {
		t.Fatalf("orders: %v %+v", err, c.Orders)
	}
	var b strings.Builder
	c.Print(&b)
	if strings.Contains(b.String(), strings.Repeat("k", 32)) {
		t.Fatal("Print shows the order link key")
	}
	for name, value := range map[string]string{"LIBRES_ORDER_LINK_KEY": "short", "LIBRES_SHIPPING_COP": "-1", "LIBRES_MANUAL_HOLD_HOURS": "0"} {
		_, err := Load(env(map[string]string{name: value}))
		if err == nil || !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "short") {
			t.Errorf("%s=%s: %v", name, value, err)
		}
	}
}

func TestShippingByDepartment(t *testing.T) {
	c, err := Load(env(map[string]string{"LIBRES_SHIPPING_BY_DEPARTMENT_COP": "Bogotá D.C.=8.000; Antioquia=14000"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Orders.ShippingByDepartment["Bogotá D.C."] != 800000 || c.Orders.ShippingByDepartment["Antioquia"] != 1400000 {
		t.Errorf("ShippingByDepartment = %v", c.Orders.ShippingByDepartment)
	}
	if _, err := Load(env(map[string]string{"LIBRES_SHIPPING_BY_DEPARTMENT_COP": "Bogotá D.C.:8000"})); err == nil || !strings.Contains(err.Error(), "LIBRES_SHIPPING_BY_DEPARTMENT_COP") {
		t.Errorf("a malformed table: %v, want an error naming the variable", err)
	}
	if c, _ := Load(env(map[string]string{"LIBRES_SHIPPING_BY_DEPARTMENT_COP": "none"})); len(c.Orders.ShippingByDepartment) != 0 {
		t.Errorf("none: %v", c.Orders.ShippingByDepartment)
	}
}
