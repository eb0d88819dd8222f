package iam

import "github.com/iamd/iamd/internal/api"

func (s *Service) policyOperations(svc *api.Service) []*api.Operation {
	return []*api.Operation{
		api.Op(svc, "CreatePolicy", true, s.CreatePolicy),
		api.Op(svc, "GetPolicy", false, s.GetPolicy),
		api.Op(svc, "DeletePolicy", true, s.DeletePolicy),
		api.Op(svc, "ListPolicies", false, s.ListPolicies),
		api.Op(svc, "CreatePolicyVersion", true, s.CreatePolicyVersion),
		api.Op(svc, "GetPolicyVersion", false, s.GetPolicyVersion),
		api.Op(svc, "ListPolicyVersions", false, s.ListPolicyVersions),
		api.Op(svc, "SetDefaultPolicyVersion", true, s.SetDefaultPolicyVersion),
		api.Op(svc, "DeletePolicyVersion", true, s.DeletePolicyVersion),
		api.Op(svc, "TagPolicy", true, s.TagPolicy),
		api.Op(svc, "UntagPolicy", true, s.UntagPolicy),
		api.Op(svc, "ListPolicyTags", false, s.ListPolicyTags),
		api.Op(svc, "AttachUserPolicy", true, s.AttachUserPolicy),
		api.Op(svc, "DetachUserPolicy", true, s.DetachUserPolicy),
		api.Op(svc, "ListAttachedUserPolicies", false, s.ListAttachedUserPolicies),
		api.Op(svc, "AttachGroupPolicy", true, s.AttachGroupPolicy),
		api.Op(svc, "DetachGroupPolicy", true, s.DetachGroupPolicy),
		api.Op(svc, "ListAttachedGroupPolicies", false, s.ListAttachedGroupPolicies),
		api.Op(svc, "ListEntitiesForPolicy", false, s.ListEntitiesForPolicy),
		api.Op(svc, "PutUserPolicy", true, s.PutUserPolicy),
		api.Op(svc, "GetUserPolicy", false, s.GetUserPolicy),
		api.Op(svc, "DeleteUserPolicy", true, s.DeleteUserPolicy),
		api.Op(svc, "ListUserPolicies", false, s.ListUserPolicies),
		api.Op(svc, "PutGroupPolicy", true, s.PutGroupPolicy),
		api.Op(svc, "GetGroupPolicy", false, s.GetGroupPolicy),
		api.Op(svc, "DeleteGroupPolicy", true, s.DeleteGroupPolicy),
		api.Op(svc, "ListGroupPolicies", false, s.ListGroupPolicies),
		api.Op(svc, "PutUserPermissionsBoundary", true, s.PutUserPermissionsBoundary),
		api.Op(svc, "DeleteUserPermissionsBoundary", true, s.DeleteUserPermissionsBoundary),
		api.Op(svc, "GetAccountSummary", false, s.GetAccountSummary),
		api.Op(svc, "SimulateCustomPolicy", false, s.SimulateCustomPolicy),
		api.Op(svc, "SimulatePrincipalPolicy", false, s.SimulatePrincipalPolicy),
		api.Op(svc, "GetContextKeysForCustomPolicy", false, s.GetContextKeysForCustomPolicy),
		api.Op(svc, "GetContextKeysForPrincipalPolicy", false, s.GetContextKeysForPrincipalPolicy),
		api.Op(svc, "GetAccountAuthorizationDetails", false, s.GetAccountAuthorizationDetails),
	}
}
