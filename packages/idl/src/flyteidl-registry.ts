import { createRegistry, type Registry } from "@bufbuild/protobuf";
import {
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
} from "@bufbuild/protobuf/wkt";
import { file_aloft_admin_watch } from "./gen/aloft/admin/watch_pb.js";
import { file_flyteidl_admin_agent } from "./gen/flyteidl/admin/agent_pb.js";
import { file_flyteidl_admin_cluster_assignment } from "./gen/flyteidl/admin/cluster_assignment_pb.js";
import { file_flyteidl_admin_common } from "./gen/flyteidl/admin/common_pb.js";
import { file_flyteidl_admin_description_entity } from "./gen/flyteidl/admin/description_entity_pb.js";
import { file_flyteidl_admin_event } from "./gen/flyteidl/admin/event_pb.js";
import { file_flyteidl_admin_execution } from "./gen/flyteidl/admin/execution_pb.js";
import { file_flyteidl_admin_launch_plan } from "./gen/flyteidl/admin/launch_plan_pb.js";
import { file_flyteidl_admin_matchable_resource } from "./gen/flyteidl/admin/matchable_resource_pb.js";
import { file_flyteidl_admin_node_execution } from "./gen/flyteidl/admin/node_execution_pb.js";
import { file_flyteidl_admin_notification } from "./gen/flyteidl/admin/notification_pb.js";
import { file_flyteidl_admin_project_attributes } from "./gen/flyteidl/admin/project_attributes_pb.js";
import { file_flyteidl_admin_project_domain_attributes } from "./gen/flyteidl/admin/project_domain_attributes_pb.js";
import { file_flyteidl_admin_project } from "./gen/flyteidl/admin/project_pb.js";
import { file_flyteidl_admin_schedule } from "./gen/flyteidl/admin/schedule_pb.js";
import { file_flyteidl_admin_signal } from "./gen/flyteidl/admin/signal_pb.js";
import { file_flyteidl_admin_task_execution } from "./gen/flyteidl/admin/task_execution_pb.js";
import { file_flyteidl_admin_task } from "./gen/flyteidl/admin/task_pb.js";
import { file_flyteidl_admin_version } from "./gen/flyteidl/admin/version_pb.js";
import { file_flyteidl_admin_workflow_attributes } from "./gen/flyteidl/admin/workflow_attributes_pb.js";
import { file_flyteidl_admin_workflow } from "./gen/flyteidl/admin/workflow_pb.js";
import { file_flyteidl_cacheservice_cacheservice } from "./gen/flyteidl/cacheservice/cacheservice_pb.js";
import { file_flyteidl_core_artifact_id } from "./gen/flyteidl/core/artifact_id_pb.js";
import { file_flyteidl_core_catalog } from "./gen/flyteidl/core/catalog_pb.js";
import { file_flyteidl_core_compiler } from "./gen/flyteidl/core/compiler_pb.js";
import { file_flyteidl_core_condition } from "./gen/flyteidl/core/condition_pb.js";
import { file_flyteidl_core_dynamic_job } from "./gen/flyteidl/core/dynamic_job_pb.js";
import { file_flyteidl_core_errors } from "./gen/flyteidl/core/errors_pb.js";
import { file_flyteidl_core_execution_envs } from "./gen/flyteidl/core/execution_envs_pb.js";
import { file_flyteidl_core_execution } from "./gen/flyteidl/core/execution_pb.js";
import { file_flyteidl_core_identifier } from "./gen/flyteidl/core/identifier_pb.js";
import { file_flyteidl_core_interface } from "./gen/flyteidl/core/interface_pb.js";
import { file_flyteidl_core_literals } from "./gen/flyteidl/core/literals_pb.js";
import { file_flyteidl_core_metrics } from "./gen/flyteidl/core/metrics_pb.js";
import { file_flyteidl_core_security } from "./gen/flyteidl/core/security_pb.js";
import { file_flyteidl_core_tasks } from "./gen/flyteidl/core/tasks_pb.js";
import { file_flyteidl_core_types } from "./gen/flyteidl/core/types_pb.js";
import { file_flyteidl_core_workflow_closure } from "./gen/flyteidl/core/workflow_closure_pb.js";
import { file_flyteidl_core_workflow } from "./gen/flyteidl/core/workflow_pb.js";
import { file_flyteidl_datacatalog_datacatalog } from "./gen/flyteidl/datacatalog/datacatalog_pb.js";
import { file_flyteidl_event_cloudevents } from "./gen/flyteidl/event/cloudevents_pb.js";
import { file_flyteidl_event_event } from "./gen/flyteidl/event/event_pb.js";
import { file_flyteidl_plugins_array_job } from "./gen/flyteidl/plugins/array_job_pb.js";
import { file_flyteidl_plugins_common } from "./gen/flyteidl/plugins/common_pb.js";
import { file_flyteidl_plugins_dask } from "./gen/flyteidl/plugins/dask_pb.js";
import { file_flyteidl_plugins_kubeflow_common } from "./gen/flyteidl/plugins/kubeflow/common_pb.js";
import { file_flyteidl_plugins_kubeflow_mpi } from "./gen/flyteidl/plugins/kubeflow/mpi_pb.js";
import { file_flyteidl_plugins_kubeflow_pytorch } from "./gen/flyteidl/plugins/kubeflow/pytorch_pb.js";
import { file_flyteidl_plugins_kubeflow_tensorflow } from "./gen/flyteidl/plugins/kubeflow/tensorflow_pb.js";
import { file_flyteidl_plugins_mpi } from "./gen/flyteidl/plugins/mpi_pb.js";
import { file_flyteidl_plugins_presto } from "./gen/flyteidl/plugins/presto_pb.js";
import { file_flyteidl_plugins_pytorch } from "./gen/flyteidl/plugins/pytorch_pb.js";
import { file_flyteidl_plugins_qubole } from "./gen/flyteidl/plugins/qubole_pb.js";
import { file_flyteidl_plugins_ray } from "./gen/flyteidl/plugins/ray_pb.js";
import { file_flyteidl_plugins_spark } from "./gen/flyteidl/plugins/spark_pb.js";
import { file_flyteidl_plugins_tensorflow } from "./gen/flyteidl/plugins/tensorflow_pb.js";
import { file_flyteidl_plugins_waitable } from "./gen/flyteidl/plugins/waitable_pb.js";
import { file_flyteidl_service_admin } from "./gen/flyteidl/service/admin_pb.js";
import { file_flyteidl_service_agent } from "./gen/flyteidl/service/agent_pb.js";
import { file_flyteidl_service_auth } from "./gen/flyteidl/service/auth_pb.js";
import { file_flyteidl_service_dataproxy } from "./gen/flyteidl/service/dataproxy_pb.js";
import { file_flyteidl_service_external_plugin_service } from "./gen/flyteidl/service/external_plugin_service_pb.js";
import { file_flyteidl_service_identity } from "./gen/flyteidl/service/identity_pb.js";
import { file_flyteidl_service_signal } from "./gen/flyteidl/service/signal_pb.js";
import { file_google_api_annotations } from "./gen/google/api/annotations_pb.js";
import { file_google_api_http } from "./gen/google/api/http_pb.js";
import { file_protoc_gen_openapiv2_options_annotations } from "./gen/protoc-gen-openapiv2/options/annotations_pb.js";

/**
 * A protobuf-es registry of every generated flyteidl file (plus google/api, the openapiv2 stand-in
 * and the well-known types flyteidl uses) and of Aloft's own extensions (`aloft.admin.WatchService`),
 * so that JSON with `google.protobuf.Any` (such as error details) round-trips. Pass it as `registry` to `toJson`/`fromJson`; the admin JSON helpers use it.
 * A test checks that it covers every file under `src/gen`, so regeneration cannot leave one out.
 */
export const flyteidlRegistry: Registry = createRegistry(
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
  file_aloft_admin_watch,
  file_flyteidl_admin_agent,
  file_flyteidl_admin_cluster_assignment,
  file_flyteidl_admin_common,
  file_flyteidl_admin_description_entity,
  file_flyteidl_admin_event,
  file_flyteidl_admin_execution,
  file_flyteidl_admin_launch_plan,
  file_flyteidl_admin_matchable_resource,
  file_flyteidl_admin_node_execution,
  file_flyteidl_admin_notification,
  file_flyteidl_admin_project_attributes,
  file_flyteidl_admin_project_domain_attributes,
  file_flyteidl_admin_project,
  file_flyteidl_admin_schedule,
  file_flyteidl_admin_signal,
  file_flyteidl_admin_task_execution,
  file_flyteidl_admin_task,
  file_flyteidl_admin_version,
  file_flyteidl_admin_workflow_attributes,
  file_flyteidl_admin_workflow,
  file_flyteidl_cacheservice_cacheservice,
  file_flyteidl_core_artifact_id,
  file_flyteidl_core_catalog,
  file_flyteidl_core_compiler,
  file_flyteidl_core_condition,
  file_flyteidl_core_dynamic_job,
  file_flyteidl_core_errors,
  file_flyteidl_core_execution_envs,
  file_flyteidl_core_execution,
  file_flyteidl_core_identifier,
  file_flyteidl_core_interface,
  file_flyteidl_core_literals,
  file_flyteidl_core_metrics,
  file_flyteidl_core_security,
  file_flyteidl_core_tasks,
  file_flyteidl_core_types,
  file_flyteidl_core_workflow_closure,
  file_flyteidl_core_workflow,
  file_flyteidl_datacatalog_datacatalog,
  file_flyteidl_event_cloudevents,
  file_flyteidl_event_event,
  file_flyteidl_plugins_array_job,
  file_flyteidl_plugins_common,
  file_flyteidl_plugins_dask,
  file_flyteidl_plugins_kubeflow_common,
  file_flyteidl_plugins_kubeflow_mpi,
  file_flyteidl_plugins_kubeflow_pytorch,
  file_flyteidl_plugins_kubeflow_tensorflow,
  file_flyteidl_plugins_mpi,
  file_flyteidl_plugins_presto,
  file_flyteidl_plugins_pytorch,
  file_flyteidl_plugins_qubole,
  file_flyteidl_plugins_ray,
  file_flyteidl_plugins_spark,
  file_flyteidl_plugins_tensorflow,
  file_flyteidl_plugins_waitable,
  file_flyteidl_service_admin,
  file_flyteidl_service_agent,
  file_flyteidl_service_auth,
  file_flyteidl_service_dataproxy,
  file_flyteidl_service_external_plugin_service,
  file_flyteidl_service_identity,
  file_flyteidl_service_signal,
  file_google_api_annotations,
  file_google_api_http,
  file_protoc_gen_openapiv2_options_annotations,
);
