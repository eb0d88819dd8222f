package iam

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/iamd/iamd/internal/apierr"
	"github.com/iamd/iamd/internal/ids"
	"github.com/iamd/iamd/internal/schema"
	"github.com/iamd/iamd/internal/store"
	"github.com/iamd/iamd/internal/wire/iamwire"
)

// servicePrincipal is the form of an AWS service principal name.
var servicePrincipal = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$`)

// serviceLinkedName names a service's service-linked role as AWS does
// (autoscaling.amazonaws.com → AWSServiceRoleForAutoScaling, from the
// catalogue's table); for a service the table lacks, AWSServiceRoleFor +
// the service's first label, capitalised.
func (s *Service) serviceLinkedName(service, suffix string) string {
	name, ok := s.catalogue.ServiceLinkedRoleName(service)
	if !ok {
		label, _, _ := strings.Cut(service, ".")
		name = "AWSServiceRoleFor" + strings.ToUpper(label[:1]) + label[1:]
	}
	if suffix != "" {
		name += "_" + suffix
	}
	return name
}

// CreateServiceLinkedRole creates a role under /aws-service-role/<service>/
// that trusts the service.
func (s *Service) CreateServiceLinkedRole(ctx context.Context, in *iamwire.CreateServiceLinkedRoleInput) (*iamwire.CreateServiceLinkedRoleOutput, error) {
	if !servicePrincipal.MatchString(in.AWSServiceName) {
		return nil, apierr.InvalidInput("Unrecognized service principal: %s", in.AWSServiceName)
	}
	trust, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect": "Allow", "Principal": map[string]any{"Service": []string{in.AWSServiceName}}, "Action": []string{"sts:AssumeRole"},
		}},
	})
	r, err := s.createRole(ctx, &iamwire.CreateRoleInput{
		Path:                     ptr("/aws-service-role/" + in.AWSServiceName + "/"),
		RoleName:                 s.serviceLinkedName(in.AWSServiceName, deref(in.CustomSuffix, "")),
		AssumeRolePolicyDocument: string(trust),
		Description:              in.Description,
	}, in.AWSServiceName)
	if err != nil {
		if ae, ok := apierr.As(err); ok && ae.Code == "EntityAlreadyExists" {
			return nil, apierr.InvalidInput("Service role name %s has been taken in this account, please try a different suffix.", s.serviceLinkedName(in.AWSServiceName, deref(in.CustomSuffix, "")))
		}
		return nil, err
	}
	role := s.wireRole(r, true)
	role.RoleLastUsed = nil
	return &iamwire.CreateServiceLinkedRoleOutput{Role: &role}, nil
}

// deletionTask is a service-linked role deletion as stored.
type deletionTask struct {
	Status string `json:"s"`
	Reason string `json:"r,omitempty"`
}

// DeleteServiceLinkedRole deletes a service-linked role. The deletion runs
// at once; its task records the outcome for
// GetServiceLinkedRoleDeletionStatus.
func (s *Service) DeleteServiceLinkedRole(ctx context.Context, in *iamwire.DeleteServiceLinkedRoleInput) (*iamwire.DeleteServiceLinkedRoleOutput, error) {
	r, rev, err := s.getRole(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	if r.ServiceLinked == "" {
		return nil, apierr.InvalidInput("Role %s is not a service-linked role.", r.Name)
	}
	uuid, err := ids.UUID(s.rand)
	if err != nil {
		return nil, err
	}
	taskID := "task/aws-service-role/" + r.ServiceLinked + "/" + r.Name + "/" + uuid
	task := deletionTask{Status: "SUCCEEDED"}
	if err := s.deleteRoleRecord(ctx, r, rev); err != nil {
		ae, ok := apierr.As(err)
		if !ok {
			return nil, err
		}
		task = deletionTask{Status: "FAILED", Reason: ae.Message}
	}
	if _, err := s.st.Apply(ctx, nil, []store.Op{{Key: schema.DeletionTask(s.account, taskID), Value: mustJSON(task)}}); err != nil {
		return nil, err
	}
	return &iamwire.DeleteServiceLinkedRoleOutput{DeletionTaskId: taskID}, nil
}

// GetServiceLinkedRoleDeletionStatus reports how a deletion task ended.
func (s *Service) GetServiceLinkedRoleDeletionStatus(ctx context.Context, in *iamwire.GetServiceLinkedRoleDeletionStatusInput) (*iamwire.GetServiceLinkedRoleDeletionStatusOutput, error) {
	var task deletionTask
	_, ok, err := s.getJSON(ctx, schema.DeletionTask(s.account, in.DeletionTaskId), &task)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apierr.NoSuchEntity("Deletion task %s cannot be found.", in.DeletionTaskId)
	}
	out := &iamwire.GetServiceLinkedRoleDeletionStatusOutput{Status: task.Status}
	if task.Reason != "" {
		out.Reason = &iamwire.DeletionTaskFailureReasonType{Reason: ptr(task.Reason)}
	}
	return out, nil
}
