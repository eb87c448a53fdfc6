""" Contains all the data models used in inputs/outputs """

from .agent_list import AgentList
from .agent_patch import AgentPatch
from .agent_ref import AgentRef
from .agent_sample import AgentSample
from .agent_samples import AgentSamples
from .agent_software import AgentSoftware
from .agent_software_software import AgentSoftwareSoftware
from .agent_state_sample import AgentStateSample
from .agent_state_samples import AgentStateSamples
from .agent_task import AgentTask
from .agent_tasks import AgentTasks
from .agent_view import AgentView
from .arg_template_type_1 import ArgTemplateType1
from .attempt_list import AttemptList
from .attempt_view import AttemptView
from .autoscaler_list import AutoscalerList
from .autoscaler_settings import AutoscalerSettings
from .autoscaler_view import AutoscalerView
from .broker_queue import BrokerQueue
from .broker_queues import BrokerQueues
from .dead_letter_list import DeadLetterList
from .dead_letter_view import DeadLetterView
from .delivery_list import DeliveryList
from .delivery_view import DeliveryView
from .delivery_view_body import DeliveryViewBody
from .dependency_mode import DependencyMode
from .depends_on import DependsOn
from .discovery_check import DiscoveryCheck
from .enroll_body import EnrollBody
from .enroll_view import EnrollView
from .error_body import ErrorBody
from .failed_agent import FailedAgent
from .failed_agents import FailedAgents
from .farm_key_view import FarmKeyView
from .farm_keys_view import FarmKeysView
from .group_job import GroupJob
from .group_list import GroupList
from .group_patch import GroupPatch
from .group_view import GroupView
from .job_page import JobPage
from .job_patch import JobPatch
from .job_patch_environ_type_0 import JobPatchEnvironType0
from .job_submission import JobSubmission
from .job_submission_environ import JobSubmissionEnviron
from .job_type_definition import JobTypeDefinition
from .job_type_definition_env import JobTypeDefinitionEnv
from .job_type_list import JobTypeList
from .job_type_spec import JobTypeSpec
from .job_type_spec_env import JobTypeSpecEnv
from .job_type_upgrade import JobTypeUpgrade
from .job_type_view import JobTypeView
from .job_view import JobView
from .limit_list import LimitList
from .limit_setting_type_1 import LimitSettingType1
from .limit_view import LimitView
from .log_list import LogList
from .log_view import LogView
from .login import Login
from .me_view import MeView
from .new_group import NewGroup
from .new_queue import NewQueue
from .new_tag import NewTag
from .new_token import NewToken
from .new_user import NewUser
from .new_webhook import NewWebhook
from .notified_user import NotifiedUser
from .notified_users import NotifiedUsers
from .path_map_body import PathMapBody
from .path_map_list import PathMapList
from .path_map_view import PathMapView
from .phase import Phase
from .put_limits_body import PutLimitsBody
from .queue_count_list import QueueCountList
from .queue_counts import QueueCounts
from .queue_list import QueueList
from .queue_patch import QueuePatch
from .queue_sample import QueueSample
from .queue_samples import QueueSamples
from .queue_view import QueueView
from .restart_body import RestartBody
from .restart_list import RestartList
from .restart_plan import RestartPlan
from .restart_view import RestartView
from .revoke_view import RevokeView
from .scaled_node_view import ScaledNodeView
from .scaling_event_list import ScalingEventList
from .scaling_event_view import ScalingEventView
from .session_view import SessionView
from .software_agent import SoftwareAgent
from .software_definition import SoftwareDefinition
from .software_detail import SoftwareDetail
from .software_list import SoftwareList
from .software_requirement_input_type_1 import SoftwareRequirementInputType1
from .software_version_definition import SoftwareVersionDefinition
from .software_version_definition_checks import SoftwareVersionDefinitionChecks
from .software_version_definition_paths import SoftwareVersionDefinitionPaths
from .software_versions import SoftwareVersions
from .software_view import SoftwareView
from .tag_list import TagList
from .tag_requirement_input_type_1 import TagRequirementInputType1
from .tag_uses import TagUses
from .tag_view import TagView
from .task_action import TaskAction
from .task_action_answer import TaskActionAnswer
from .task_action_body import TaskActionBody
from .task_action_list import TaskActionList
from .task_action_view import TaskActionView
from .task_counts_view import TaskCountsView
from .task_page import TaskPage
from .task_view import TaskView
from .token_list import TokenList
from .token_view import TokenView
from .unchanged_task import UnchangedTask
from .user_list import UserList
from .user_patch import UserPatch
from .user_view import UserView
from .version_agents import VersionAgents
from .version_count import VersionCount
from .webhook_list import WebhookList
from .webhook_patch import WebhookPatch
from .webhook_view import WebhookView

__all__ = (
    "AgentList",
    "AgentPatch",
    "AgentRef",
    "AgentSample",
    "AgentSamples",
    "AgentSoftware",
    "AgentSoftwareSoftware",
    "AgentStateSample",
    "AgentStateSamples",
    "AgentTask",
    "AgentTasks",
    "AgentView",
    "ArgTemplateType1",
    "AttemptList",
    "AttemptView",
    "AutoscalerList",
    "AutoscalerSettings",
    "AutoscalerView",
    "BrokerQueue",
    "BrokerQueues",
    "DeadLetterList",
    "DeadLetterView",
    "DeliveryList",
    "DeliveryView",
    "DeliveryViewBody",
    "DependencyMode",
    "DependsOn",
    "DiscoveryCheck",
    "EnrollBody",
    "EnrollView",
    "ErrorBody",
    "FailedAgent",
    "FailedAgents",
    "FarmKeysView",
    "FarmKeyView",
    "GroupJob",
    "GroupList",
    "GroupPatch",
    "GroupView",
    "JobPage",
    "JobPatch",
    "JobPatchEnvironType0",
    "JobSubmission",
    "JobSubmissionEnviron",
    "JobTypeDefinition",
    "JobTypeDefinitionEnv",
    "JobTypeList",
    "JobTypeSpec",
    "JobTypeSpecEnv",
    "JobTypeUpgrade",
    "JobTypeView",
    "JobView",
    "LimitList",
    "LimitSettingType1",
    "LimitView",
    "Login",
    "LogList",
    "LogView",
    "MeView",
    "NewGroup",
    "NewQueue",
    "NewTag",
    "NewToken",
    "NewUser",
    "NewWebhook",
    "NotifiedUser",
    "NotifiedUsers",
    "PathMapBody",
    "PathMapList",
    "PathMapView",
    "Phase",
    "PutLimitsBody",
    "QueueCountList",
    "QueueCounts",
    "QueueList",
    "QueuePatch",
    "QueueSample",
    "QueueSamples",
    "QueueView",
    "RestartBody",
    "RestartList",
    "RestartPlan",
    "RestartView",
    "RevokeView",
    "ScaledNodeView",
    "ScalingEventList",
    "ScalingEventView",
    "SessionView",
    "SoftwareAgent",
    "SoftwareDefinition",
    "SoftwareDetail",
    "SoftwareList",
    "SoftwareRequirementInputType1",
    "SoftwareVersionDefinition",
    "SoftwareVersionDefinitionChecks",
    "SoftwareVersionDefinitionPaths",
    "SoftwareVersions",
    "SoftwareView",
    "TagList",
    "TagRequirementInputType1",
    "TagUses",
    "TagView",
    "TaskAction",
    "TaskActionAnswer",
    "TaskActionBody",
    "TaskActionList",
    "TaskActionView",
    "TaskCountsView",
    "TaskPage",
    "TaskView",
    "TokenList",
    "TokenView",
    "UnchangedTask",
    "UserList",
    "UserPatch",
    "UserView",
    "VersionAgents",
    "VersionCount",
    "WebhookList",
    "WebhookPatch",
    "WebhookView",
)
