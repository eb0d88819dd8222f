package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

var ctx = context.Background()

// wantErr asserts err is an AWS API error with the code, status and (if
// not empty) message.
func wantErr(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want code %s, got %s (%s)", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("want message\n  %q\ngot\n  %q", msg, ae.ErrorMessage())
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP response in %v", err)
	}
	if re.HTTPStatusCode() != status {
		t.Fatalf("want HTTP %d, got %d", status, re.HTTPStatusCode())
	}
}

var userIDForm = regexp.MustCompile(`^AIDA[A-Z0-9]{17}$`)

func TestCreateUserDocumentedExamples(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	out, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")})
	if err != nil {
		t.Fatal(err)
	}
	u := out.User
	if *u.Path != "/" || *u.UserName != "Bob" || !userIDForm.MatchString(*u.UserId) ||
		*u.Arn != "arn:aws:iam::"+testAccount+":user/Bob" || u.CreateDate == nil || u.CreateDate.IsZero() {
		t.Fatalf("unexpected user %+v", u)
	}
	out, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Alice"), Path: aws.String("/division_abc/subdivision_xyz/")})
	if err != nil {
		t.Fatal(err)
	}
	if got := *out.User.Arn; got != "arn:aws:iam::"+testAccount+":user/division_abc/subdivision_xyz/Alice" {
		t.Fatalf("arn %s", got)
	}
	g, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")}) // any case finds it
	if err != nil {
		t.Fatal(err)
	}
	if *g.User.UserName != "Bob" || *g.User.UserId != *u.UserId {
		t.Fatalf("GetUser %+v", g.User)
	}
}

func TestUserNamesUniqueWithoutCase(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("BOB")})
	wantErr(t, err, "EntityAlreadyExists", 409, "User with name BOB already exists.")
}

func TestUserValidation(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	long := strings.Repeat("a", 65)
	tags51 := make([]types.Tag, 51)
	for i := range tags51 {
		tags51[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
	}
	cases := []struct {
		name string
		in   *iam.CreateUserInput
		code string
		msg  string
	}{
		{"name too long", &iam.CreateUserInput{UserName: aws.String(long)}, "ValidationError",
			"1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"name pattern", &iam.CreateUserInput{UserName: aws.String("bad/name")}, "ValidationError",
			`1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"empty name", &iam.CreateUserInput{UserName: aws.String("")}, "ValidationError",
			`2 validation errors detected: Value at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"path without slashes", &iam.CreateUserInput{UserName: aws.String("u"), Path: aws.String("abc")}, "ValidationError",
			"The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters."},
		{"path too long", &iam.CreateUserInput{UserName: aws.String("u"), Path: aws.String("/" + strings.Repeat("p", 511) + "/")}, "ValidationError",
			"1 validation error detected: Value at 'path' failed to satisfy constraint: Member must have length less than or equal to 512"},
		{"boundary too short", &iam.CreateUserInput{UserName: aws.String("u"), PermissionsBoundary: aws.String("arn:short")}, "ValidationError",
			"1 validation error detected: Value at 'permissionsBoundary' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{"boundary not an arn", &iam.CreateUserInput{UserName: aws.String("u"), PermissionsBoundary: aws.String("not-an-arn-but-long-enough")}, "InvalidInput",
			"ARN not-an-arn-but-long-enough is not valid."},
		{"boundary missing policy", &iam.CreateUserInput{UserName: aws.String("u"), PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/nope")}, "NoSuchEntity",
			"Policy arn:aws:iam::123456789012:policy/nope does not exist or is not attachable."},
		{"too many tags", &iam.CreateUserInput{UserName: aws.String("u"), Tags: tags51}, "ValidationError",
			"1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"tag key pattern", &iam.CreateUserInput{UserName: aws.String("u"), Tags: []types.Tag{{Key: aws.String("a*b"), Value: aws.String("v")}}}, "ValidationError",
			`1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
		{"tag value too long", &iam.CreateUserInput{UserName: aws.String("u"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String(strings.Repeat("v", 257))}}}, "ValidationError",
			"1 validation error detected: Value at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"duplicate tag keys", &iam.CreateUserInput{UserName: aws.String("u"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("K"), Value: aws.String("2")}}}, "InvalidInput",
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateUser(ctx, tc.in)
			status := http.StatusBadRequest
			if tc.code == "NoSuchEntity" {
				status = 404
			}
			wantErr(t, err, tc.code, status, tc.msg)
		})
	}
	// Nothing was written by any failed request.
	l, err := c.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Users) != 0 {
		t.Fatalf("failed requests wrote users: %+v", l.Users)
	}
}

func TestListUsersPaging(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	for i := 0; i < 25; i++ {
		path := "/"
		if i%2 == 0 {
			path = "/even/"
		}
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("user%02d", i)), Path: aws.String(path)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{MaxItems: aws.Int32(7)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range out.Users {
			names = append(names, *u.UserName)
			if u.Tags != nil || u.PermissionsBoundary != nil {
				t.Fatalf("list items must leave out tags and boundary")
			}
		}
	}
	if len(names) != 25 || pages != 4 || names[0] != "user00" || names[24] != "user24" {
		t.Fatalf("pages=%d names=%v", pages, names)
	}
	out, err := c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/even/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Users) != 13 || out.IsTruncated {
		t.Fatalf("path prefix: %d users, truncated=%v", len(out.Users), out.IsTruncated)
	}
	_, err = c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1001)})
	wantErr(t, err, "ValidationError", 400, "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000")
	_, err = c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(0)})
	wantErr(t, err, "ValidationError", 400, "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
}

func TestUpdateDeleteUser(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	created, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Carol")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Bob"), NewUserName: aws.String("carol")})
	wantErr(t, err, "EntityAlreadyExists", 409, "User with name carol already exists.")
	if _, err := c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Bob"), NewUserName: aws.String("Robert"), NewPath: aws.String("/eng/")}); err != nil {
		t.Fatal(err)
	}
	g, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("Robert")})
	if err != nil {
		t.Fatal(err)
	}
	if *g.User.Arn != "arn:aws:iam::"+testAccount+":user/eng/Robert" || *g.User.UserId != *created.User.UserId {
		t.Fatalf("after rename: %+v", g.User)
	}
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("Bob")})
	wantErr(t, err, "NoSuchEntity", 404, "The user with name Bob cannot be found.")
	// Changing only the case of a name is a rename to itself.
	if _, err := c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Robert"), NewUserName: aws.String("ROBERT")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("robert")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("robert")})
	wantErr(t, err, "NoSuchEntity", 404, "The user with name robert cannot be found.")
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("nobody")})
	wantErr(t, err, "NoSuchEntity", 404, "The user with name nobody cannot be found.")
}

func TestUserTags(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Bob"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("Bob"), Tags: []types.Tag{
		{Key: aws.String("team"), Value: aws.String("b")}, {Key: aws.String("cost"), Value: aws.String("")}}}); err != nil {
		t.Fatal(err)
	}
	lt, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("Bob")})
	if err != nil {
		t.Fatal(err)
	}
	if len(lt.Tags) != 2 || *lt.Tags[0].Value != "b" || *lt.Tags[1].Key != "cost" || *lt.Tags[1].Value != "" {
		t.Fatalf("tags %+v", lt.Tags)
	}
	if _, err := c.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("Bob"), TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatal(err)
	}
	g, _ := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("Bob")})
	if len(g.User.Tags) != 1 || *g.User.Tags[0].Key != "cost" {
		t.Fatalf("after untag %+v", g.User.Tags)
	}
	many := make([]types.Tag, 50)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(fmt.Sprintf("t%d", i)), Value: aws.String("v")}
	}
	_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("Bob"), Tags: many})
	wantErr(t, err, "LimitExceeded", 409, "The number of tags has reached the maximum limit.")
	_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("nobody"), Tags: many[:1]})
	wantErr(t, err, "NoSuchEntity", 404, "")
}

func TestGetUserCaller(t *testing.T) {
	h := newHarness(t)
	out, err := h.iam().GetUser(ctx, &iam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *out.User.Arn != "arn:aws:iam::"+testAccount+":root" || *out.User.UserId != testAccount || out.User.UserName != nil {
		t.Fatalf("root GetUser %+v", out.User)
	}
}

func TestDataSurvivesRestart(t *testing.T) {
	h := newHarness(t)
	created, err := h.iam().CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Durable"), Path: aws.String("/p/")})
	if err != nil {
		t.Fatal(err)
	}
	h.restart()
	g, err := h.iam().GetUser(ctx, &iam.GetUserInput{UserName: aws.String("durable")})
	if err != nil {
		t.Fatal(err)
	}
	if *g.User.UserId != *created.User.UserId || *g.User.Path != "/p/" || !g.User.CreateDate.Equal(*created.User.CreateDate) {
		t.Fatalf("after restart %+v", g.User)
	}
}
