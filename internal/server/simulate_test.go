package server

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestSimulateCustomPolicy(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	doc := `{"Version":"2012-10-17","Statement":[
  {"Sid":"read","Effect":"Allow","Action":"iam:Get*","Resource":"*"},
  {"Sid":"tagged","Effect":"Allow","Action":"iam:CreateUser","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"}}},
  {"Sid":"nodelete","Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}`
	boundary := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:DeleteUser"],"Resource":"*"}]}`
	out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList:                    []string{doc},
		PermissionsBoundaryPolicyInputList: []string{boundary},
		ActionNames:                        []string{"iam:GetUser", "iam:GetRole", "iam:CreateUser", "iam:DeleteUser"},
		ContextEntries:                     []types.ContextEntry{{ContextKeyName: aws.String("aws:RequestTag/team"), ContextKeyValues: []string{"red"}, ContextKeyType: types.ContextKeyTypeEnumString}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]types.PolicyEvaluationDecisionType{
		"iam:GetUser":    types.PolicyEvaluationDecisionTypeAllowed,
		"iam:GetRole":    types.PolicyEvaluationDecisionTypeImplicitDeny, // boundary does not allow
		"iam:CreateUser": types.PolicyEvaluationDecisionTypeImplicitDeny, // condition fails
		"iam:DeleteUser": types.PolicyEvaluationDecisionTypeExplicitDeny,
	}
	for _, r := range out.EvaluationResults {
		if r.EvalDecision != want[*r.EvalActionName] {
			t.Errorf("%s: %s, want %s", *r.EvalActionName, r.EvalDecision, want[*r.EvalActionName])
		}
		if r.PermissionsBoundaryDecisionDetail == nil {
			t.Errorf("%s: no boundary detail", *r.EvalActionName)
		}
		if *r.EvalActionName == "iam:GetUser" {
			if len(r.MatchedStatements) == 0 || *r.MatchedStatements[0].SourcePolicyId != "PolicyInputList.1" || r.MatchedStatements[0].StartPosition == nil {
				t.Errorf("matched %+v", r.MatchedStatements)
			}
		}
	}
	// A missing context key is reported.
	out, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{doc}, ActionNames: []string{"iam:CreateUser"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := out.EvaluationResults[0]; len(r.MissingContextValues) != 1 || r.MissingContextValues[0] != "aws:RequestTag/team" {
		t.Fatalf("missing %+v", r.MissingContextValues)
	}
	keys, err := c.GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{doc}})
	if err != nil || len(keys.ContextKeyNames) != 1 || keys.ContextKeyNames[0] != "aws:RequestTag/team" {
		t.Fatal(keys, err)
	}
	_, err = c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{"{"}, ActionNames: []string{"iam:GetUser"}})
	wantErr(t, err, "MalformedPolicyDocument", 400, "")
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	h := newHarness(t)
	c := h.iam()
	u := mustCreateUser(t, c, "sim")
	c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")})
	c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("sim")})
	c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")})
	out, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: u.Arn, ActionNames: []string{"iam:ListUsers", "iam:CreateUser"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed || out.EvaluationResults[1].EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Fatalf("results %+v", out.EvaluationResults)
	}
	m := out.EvaluationResults[0].MatchedStatements
	if len(m) == 0 || *m[0].SourcePolicyId != "arn:aws:iam::aws:policy/IAMReadOnlyAccess" || m[0].SourcePolicyType != types.PolicySourceTypeAwsManaged {
		t.Fatalf("matched %+v", m)
	}
	_, err = c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + testAccount + ":user/ghost"), ActionNames: []string{"iam:GetUser"}})
	wantErr(t, err, "NoSuchEntity", 404, "")
}
