package iam

import "github.com/iamd/iamd/internal/api"

func (s *Service) roleOperations(svc *api.Service) []*api.Operation {
	return []*api.Operation{
		api.Op(svc, "CreateRole", true, s.CreateRole),
		api.Op(svc, "GetRole", false, s.GetRole),
		api.Op(svc, "ListRoles", false, s.ListRoles),
		api.Op(svc, "UpdateRole", true, s.UpdateRole),
		api.Op(svc, "UpdateRoleDescription", true, s.UpdateRoleDescription),
		api.Op(svc, "UpdateAssumeRolePolicy", true, s.UpdateAssumeRolePolicy),
		api.Op(svc, "DeleteRole", true, s.DeleteRole),
		api.Op(svc, "TagRole", true, s.TagRole),
		api.Op(svc, "UntagRole", true, s.UntagRole),
		api.Op(svc, "ListRoleTags", false, s.ListRoleTags),
		api.Op(svc, "PutRolePermissionsBoundary", true, s.PutRolePermissionsBoundary),
		api.Op(svc, "DeleteRolePermissionsBoundary", true, s.DeleteRolePermissionsBoundary),
		api.Op(svc, "PutRolePolicy", true, s.PutRolePolicy),
		api.Op(svc, "GetRolePolicy", false, s.GetRolePolicy),
		api.Op(svc, "DeleteRolePolicy", true, s.DeleteRolePolicy),
		api.Op(svc, "ListRolePolicies", false, s.ListRolePolicies),
		api.Op(svc, "AttachRolePolicy", true, s.AttachRolePolicy),
		api.Op(svc, "DetachRolePolicy", true, s.DetachRolePolicy),
		api.Op(svc, "ListAttachedRolePolicies", false, s.ListAttachedRolePolicies),
		api.Op(svc, "CreateInstanceProfile", true, s.CreateInstanceProfile),
		api.Op(svc, "GetInstanceProfile", false, s.GetInstanceProfile),
		api.Op(svc, "DeleteInstanceProfile", true, s.DeleteInstanceProfile),
		api.Op(svc, "ListInstanceProfiles", false, s.ListInstanceProfiles),
		api.Op(svc, "AddRoleToInstanceProfile", true, s.AddRoleToInstanceProfile),
		api.Op(svc, "RemoveRoleFromInstanceProfile", true, s.RemoveRoleFromInstanceProfile),
		api.Op(svc, "ListInstanceProfilesForRole", false, s.ListInstanceProfilesForRole),
		api.Op(svc, "TagInstanceProfile", true, s.TagInstanceProfile),
		api.Op(svc, "UntagInstanceProfile", true, s.UntagInstanceProfile),
		api.Op(svc, "ListInstanceProfileTags", false, s.ListInstanceProfileTags),
		api.Op(svc, "CreateServiceLinkedRole", true, s.CreateServiceLinkedRole),
		api.Op(svc, "DeleteServiceLinkedRole", true, s.DeleteServiceLinkedRole),
		api.Op(svc, "GetServiceLinkedRoleDeletionStatus", false, s.GetServiceLinkedRoleDeletionStatus),
	}
}
