package media

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// newTestS3 connects to the test versitygw with a fresh bucket that is
// emptied and removed when the test ends.
func newTestS3(t *testing.T) (*S3Store, S3Config) {
	t.Helper()
	cfg := s3TestConfig(t)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	cfg.Bucket = "libres-test-" + hex.EncodeToString(rnd[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := NewS3(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for obj := range s.client.ListObjects(ctx, cfg.Bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err == nil {
				_ = s.client.RemoveObject(ctx, cfg.Bucket, obj.Key, minio.RemoveObjectOptions{})
			}
		}
		if err := s.client.RemoveBucket(ctx, cfg.Bucket); err != nil {
			t.Logf("remove test bucket %s: %v", cfg.Bucket, err)
		}
	})
	return s, cfg
}

// anonGet fetches url with no credentials, as a browser would.
func anonGet(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestS3StorePublicPhotos(t *testing.T) {
	ctx := context.Background()
	s, cfg := newTestS3(t)
	if ok, err := s.client.BucketExists(ctx, cfg.Bucket); err != nil || !ok {
		t.Fatalf("bucket %s not created: %v, %v", cfg.Bucket, ok, err)
	}
	key := "photos/0123456789abcdef/320.jpg"
	body := encodeJPEG(t, quadrantImage(32, 16))
	if ok, err := s.Exists(ctx, key); err != nil || ok {
		t.Fatalf("Exists before Put = %v, %v", ok, err)
	}
	if err := s.Put(ctx, key, body, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Exists(ctx, key); err != nil || !ok {
		t.Fatalf("Exists after Put = %v, %v", ok, err)
	}
	if b, err := s.Get(ctx, key); err != nil || !bytes.Equal(b, body) {
		t.Fatalf("Get after Put = %d bytes, %v", len(b), err)
	}
	if _, err := s.Get(ctx, "photos/0123456789abcdef/none.jpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Get of a missing key: %v, want fs.ErrNotExist", err)
	}
	if want := "http://" + cfg.Endpoint + "/" + cfg.Bucket + "/" + key; s.URL(key) != want {
		t.Errorf("URL = %q, want %q", s.URL(key), want)
	}

	resp, got := anonGet(t, s.URL(key))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("anonymous GET %s = %d: %s", s.URL(key), resp.StatusCode, got)
	}
	if !bytes.Equal(got, body) {
		t.Error("anonymous GET returned different bytes")
	}
	if ct := resp.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != CacheControl {
		t.Errorf("Cache-Control %q, want %q", cc, CacheControl)
	}

	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Exists(ctx, key); err != nil || ok {
		t.Errorf("Exists after Delete = %v, %v", ok, err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("Delete of a missing key: %v", err)
	}
}

func TestS3StoreOnlyPhotosArePublic(t *testing.T) {
	ctx := context.Background()
	s, cfg := newTestS3(t)
	private := "private/orders.csv"
	if err := s.Put(ctx, private, []byte("secret"), "text/csv"); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "photosx/1.jpg", []byte("not under photos/"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	base := "http://" + cfg.Endpoint + "/" + cfg.Bucket
	for _, url := range []string{
		s.URL(private),
		s.URL("photosx/1.jpg"),
		base,                           // ListObjects
		base + "/?list-type=2",         // ListObjectsV2
		base + "/?policy",              // GetBucketPolicy
		"http://" + cfg.Endpoint + "/", // ListBuckets
	} {
		resp, body := anonGet(t, url)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("anonymous GET %s = %d, want 403: %.200s", url, resp.StatusCode, body)
		}
		if bytes.Contains(body, []byte("secret")) || bytes.Contains(body, []byte("orders.csv")) {
			t.Errorf("anonymous GET %s leaks private data", url)
		}
	}
	// Anonymous writes under the public prefix are refused too.
	req, _ := http.NewRequest(http.MethodPut, s.URL("photos/evil/1.jpg"), bytes.NewReader([]byte("x")))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("anonymous PUT = %d, want 403", resp.StatusCode)
	}
}

func TestS3StoreReopenAndProcess(t *testing.T) {
	ctx := context.Background()
	_, cfg := newTestS3(t)
	// A second NewS3 on the existing bucket (an app restart) must succeed
	// and keep the policy.
	cfg.PublicBaseURL = "http://" + cfg.Endpoint + "/" + cfg.Bucket + "/"
	s, err := NewS3(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	src := withSegment(encodeJPEG(t, quadrantImage(900, 600)), exifAPP1(6))
	p, err := Process(ctx, s, bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Renditions {
		resp, body := anonGet(t, s.URL(RenditionKey(p.Key, w)))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("GET rendition %d = %d %q", w, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte(gpsMarker)) {
			t.Errorf("rendition %d served with metadata", w)
		}
	}
}
