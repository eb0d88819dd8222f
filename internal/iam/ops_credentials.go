package iam

import "github.com/iamd/iamd/internal/api"

// credentialOperations are the console password, password policy, MFA and
// credential report operations.
func (s *Service) credentialOperations(svc *api.Service) []*api.Operation {
	return []*api.Operation{
		api.Op(svc, "CreateLoginProfile", true, s.CreateLoginProfile),
		api.Op(svc, "GetLoginProfile", false, s.GetLoginProfile),
		api.Op(svc, "UpdateLoginProfile", true, s.UpdateLoginProfile),
		api.Op(svc, "DeleteLoginProfile", true, s.DeleteLoginProfile),
		api.Op(svc, "ChangePassword", true, s.ChangePassword),
		api.Op(svc, "UpdateAccountPasswordPolicy", true, s.UpdateAccountPasswordPolicy),
		api.Op(svc, "GetAccountPasswordPolicy", false, s.GetAccountPasswordPolicy),
		api.Op(svc, "DeleteAccountPasswordPolicy", true, s.DeleteAccountPasswordPolicy),
		api.Op(svc, "CreateVirtualMFADevice", true, s.CreateVirtualMFADevice),
		api.Op(svc, "EnableMFADevice", true, s.EnableMFADevice),
		api.Op(svc, "DeactivateMFADevice", true, s.DeactivateMFADevice),
		api.Op(svc, "ResyncMFADevice", true, s.ResyncMFADevice),
		api.Op(svc, "GetMFADevice", false, s.GetMFADevice),
		api.Op(svc, "ListMFADevices", false, s.ListMFADevices),
		api.Op(svc, "ListVirtualMFADevices", false, s.ListVirtualMFADevices),
		api.Op(svc, "DeleteVirtualMFADevice", true, s.DeleteVirtualMFADevice),
		api.Op(svc, "TagMFADevice", true, s.TagMFADevice),
		api.Op(svc, "UntagMFADevice", true, s.UntagMFADevice),
		api.Op(svc, "ListMFADeviceTags", false, s.ListMFADeviceTags),
		api.Op(svc, "GenerateCredentialReport", true, s.GenerateCredentialReport),
		api.Op(svc, "GetCredentialReport", false, s.GetCredentialReport),
	}
}
