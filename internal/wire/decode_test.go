package wire_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/iamd/iamd/internal/wire"
	"github.com/iamd/iamd/internal/wire/iamwire"
	"github.com/iamd/iamd/internal/wire/stswire"
)

func decode(t testing.TB, in wire.Input, form string) []string {
	vals, err := url.ParseQuery(form)
	if err != nil {
		t.Fatal(err)
	}
	d := wire.NewDecoder(vals)
	in.Decode(d)
	return d.Errors()
}

func TestDecodeTagsAndLists(t *testing.T) {
	var in iamwire.CreateUserInput
	errs := decode(t, &in, "UserName=Bob&Path=/a/&Tags.member.1.Key=k1&Tags.member.1.Value=v1&Tags.member.2.Key=k2&Tags.member.2.Value=")
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if in.UserName != "Bob" || *in.Path != "/a/" || len(in.Tags) != 2 || in.Tags[1].Key != "k2" || in.Tags[1].Value != "" {
		t.Fatalf("%+v", in)
	}
	var un iamwire.UntagUserInput
	if errs := decode(t, &un, "UserName=Bob&TagKeys.member.1=a&TagKeys.member.2=b"); len(errs) != 0 || len(un.TagKeys) != 2 {
		t.Fatal(errs, un)
	}
	// An empty list is sent as "Name=".
	if errs := decode(t, &un, "UserName=Bob&TagKeys="); len(errs) != 0 || un.TagKeys == nil || len(un.TagKeys) != 0 {
		t.Fatal(errs, un.TagKeys)
	}
	// A required list that is absent.
	if errs := decode(t, &un, "UserName=Bob"); len(errs) != 1 || errs[0] != "Value at 'tagKeys' failed to satisfy constraint: Member must not be null" {
		t.Fatal(errs)
	}
}

func TestDecodeNestedLists(t *testing.T) {
	var in iamwire.SimulateCustomPolicyInput
	errs := decode(t, &in, "PolicyInputList.member.1=%7B%7D&ActionNames.member.1=iam:GetUser&ContextEntries.member.1.ContextKeyName=aws:username&ContextEntries.member.1.ContextKeyType=string&ContextEntries.member.1.ContextKeyValues.member.1=a&ContextEntries.member.1.ContextKeyValues.member.2=b")
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	ce := in.ContextEntries[0]
	if *ce.ContextKeyName != "aws:username" || len(ce.ContextKeyValues) != 2 || ce.ContextKeyValues[1] != "b" {
		t.Fatalf("%+v", ce)
	}
	var ar stswire.AssumeRoleInput
	errs = decode(t, &ar, "RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=s1&PolicyArns.member.1.arn=arn:aws:iam::aws:policy/ReadOnlyAccess&DurationSeconds=900")
	if len(errs) != 0 || len(ar.PolicyArns) != 1 || *ar.PolicyArns[0].Arn != "arn:aws:iam::aws:policy/ReadOnlyAccess" || *ar.DurationSeconds != 900 {
		t.Fatal(errs, ar)
	}
}

func TestDecodeConstraintMessages(t *testing.T) {
	cases := []struct {
		in   wire.Input
		form string
		want []string
	}{
		{&iamwire.CreateUserInput{}, "", []string{"Value at 'userName' failed to satisfy constraint: Member must not be null"}},
		{&iamwire.ListUsersInput{}, "MaxItems=abc", []string{"Value at 'maxItems' failed to satisfy constraint: Member must be a valid integer"}},
		{&iamwire.UpdateAccessKeyInput{}, "AccessKeyId=AKIAIOSFODNN7EXAMPLE&Status=On", []string{"Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"}},
		{&iamwire.CreateLoginProfileInput{}, "UserName=u&Password=", []string{"Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 1", "Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"}},
		{&iamwire.CreateUserInput{}, "UserName=" + strings.Repeat("x", 64), nil},
		{&iamwire.CreateUserInput{}, "UserName=" + url.QueryEscape("ünï"), []string{"Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"}},
	}
	// Violations come in the iteration order of AWS's HashMap of member
	// paths (test_iam_oidc.snapshot.json,
	// TestOIDCProviderCreateErrors::test_create_open_id_connect_provider_validation_errors,
	// recorded against AWS): neither model nor request order.
	cases = append(cases, struct {
		in   wire.Input
		form string
		want []string
	}{&iamwire.CreateOpenIDConnectProviderInput{},
		"Url=https://" + strings.Repeat("u", 250) + "&ClientIDList.member.1=" + strings.Repeat("c", 256) + "&ThumbprintList.member.1=short",
		[]string{
			"Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]",
			"Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]",
			"Value at 'url' failed to satisfy constraint: Member must have length less than or equal to 255",
		}})
	for _, tc := range cases {
		got := decode(t, tc.in, tc.form)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%T %q:\n got %q\nwant %q", tc.in, tc.form, got, tc.want)
		}
	}
}

func TestXMLEscapingAndPolicyEncoding(t *testing.T) {
	var w wire.XMLWriter
	w.String("A", "<&>\"'\r\n\x01")
	w.PolicyDocument("P", `{"Version": "2012-10-17"}`)
	want := "<A>&lt;&amp;&gt;&quot;&apos;&#xD;\n\uFFFD</A><P>%7B%22Version%22%3A%20%222012-10-17%22%7D</P>"
	if string(w.B) != want {
		t.Fatalf("got  %s\nwant %s", w.B, want)
	}
}

// FuzzDecode feeds arbitrary forms to several generated decoders: they must
// never panic, and every violation is reported in AWS's wording.
func FuzzDecode(f *testing.F) {
	f.Add("UserName=Bob&Tags.member.1.Key=k&Tags.member.1.Value=v")
	f.Add("Tags.member.999999999999999999.Key=x&Tags.member.1.Key=")
	f.Add("ContextEntries.member.1.ContextKeyValues.member.1=a&MaxItems=-1")
	f.Add("PolicyArns.member.1.arn=x&DurationSeconds=99999999999")
	f.Fuzz(func(t *testing.T, form string) {
		vals, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		for _, in := range []wire.Input{&iamwire.CreateUserInput{}, &iamwire.SimulateCustomPolicyInput{}, &iamwire.ListUsersInput{}, &stswire.AssumeRoleInput{}, &iamwire.UntagUserInput{}} {
			d := wire.NewDecoder(vals)
			in.Decode(d)
			for _, e := range d.Errors() {
				if !strings.HasPrefix(e, "Value ") || !strings.Contains(e, "failed to satisfy constraint: Member must") {
					t.Fatalf("odd violation text %q", e)
				}
			}
		}
	})
}

func BenchmarkDecodeCreateUser(b *testing.B) {
	vals, _ := url.ParseQuery("Action=CreateUser&Version=2010-05-08&UserName=Bob&Path=/a/b/&Tags.member.1.Key=k1&Tags.member.1.Value=v1")
	b.ReportAllocs()
	for b.Loop() {
		var in iamwire.CreateUserInput
		d := wire.NewDecoder(vals)
		in.Decode(d)
	}
}

func BenchmarkEncodeUser(b *testing.B) {
	out := &iamwire.GetUserOutput{User: iamwire.User{Path: "/", UserName: "Bob", UserId: "AIDAEXAMPLEEXAMPLE123", Arn: "arn:aws:iam::123456789012:user/Bob",
		Tags: []iamwire.Tag{{Key: "team", Value: "a"}}}}
	var w wire.XMLWriter
	b.ReportAllocs()
	for b.Loop() {
		w.B = w.B[:0]
		out.EncodeXML(&w)
	}
}
