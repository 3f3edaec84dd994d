// Dashboard strings in English and Simplified Chinese. Keys are stable; add both languages together.
import { createContext, useContext } from 'react';

export type Lang = 'en' | 'zh-CN';

const en = {
  title: 'rollscope', timeline: 'Releases', live: 'Live rollouts', stats: 'Stats', release: 'Release', workload: 'Workload',
  namespace: 'Namespace', name: 'Workload', image: 'Image', outcome: 'Outcome', range: 'Time range', any: 'any', apply: 'Apply',
  started: 'Started', duration: 'Duration', trigger: 'Trigger', actor: 'By', reason: 'Reason', images: 'Images', revision: 'Revision',
  noReleases: 'No releases match these filters.', noActive: 'Nothing is rolling out right now.', phases: 'Where the time went',
  events: 'Events', diff: 'Template change', noDiff: 'No template change against the previous release (or no previous release).',
  trend: 'Rollout duration trend', releases: 'Releases', deployFreq: 'Deployments / day', failureRate: 'Change failure rate',
  restore: 'Time to restore (p50)', durationP: 'Duration p50 / p90', token: 'Operator token', save: 'Save', actions: 'Actions',
  undo: 'Undo', pause: 'Pause', resume: 'Resume', restart: 'Restart', needToken: 'Operator actions need a token with the operator role.',
  progress: 'Progress', updated: 'updated', ready: 'ready', available: 'available', theme: 'Theme', language: 'Language',
  last: 'Last', hours: 'h', days: 'd', group: 'Group', total: 'Total', diagnosis: 'Diagnosis', changeCause: 'Change cause', back: 'Back',
  cluster: 'Cluster', allClusters: 'All clusters', actionsElsewhere: 'Actions on this workload go through the rollscope of its own cluster; this one acts on',
  canaries: 'Canaries', canary: 'Canary', state: 'State', step: 'Step', steps: 'Steps', weight: 'Weight', replicas: 'Replicas (canary / stable)',
  replicaShare: 'Replica share', trafficShare: 'Measured traffic share', reached: 'Reached', left: 'Left', measurements: 'Measurements',
  metric: 'Metric', value: 'Canary', stableValue: 'Stable', condition: 'Threshold', verdict: 'Verdict', query: 'Query', at: 'At',
  noCanaries: 'No canaries yet. Start one with rollscope canary deployment/NAME --image CONTAINER=IMAGE.', noMeasurements: 'No measurements: this canary has no analysis (or none yet).',
  failingMetric: 'Failing metric', promotedBy: 'Promoted by release', message: 'Status', attempt: 'attempt', overTime: 'canary and stable over time', service: 'Service',
  traffic: 'Traffic (req/s, canary / stable)',
  loading: 'Loading…', stuck: 'Failed, not yet fixed', stuckHint: 'Failed rollouts that no newer release has replaced and that have not recovered; each stays here until one of those happens.',
  stalledAt: 'stalled before', neverReached: 'never reached; stalled', stuckFor: 'never reached; stuck for', waitingFor: 'not reached yet; waiting',
} as const;

export type Strings = { readonly [K in keyof typeof en]: string };

const zh: Strings = {
  title: 'rollscope', timeline: '发布记录', live: '正在发布', stats: '统计', release: '发布', workload: '工作负载',
  namespace: '命名空间', name: '工作负载', image: '镜像', outcome: '结果', range: '时间范围', any: '全部', apply: '应用',
  started: '开始时间', duration: '耗时', trigger: '触发', actor: '操作者', reason: '原因', images: '镜像', revision: '修订版本',
  noReleases: '没有符合条件的发布。', noActive: '当前没有正在进行的发布。', phases: '耗时分布',
  events: '事件', diff: '模板变更', noDiff: '与上一次发布相比模板没有变化(或没有上一次发布)。',
  trend: '发布耗时趋势', releases: '发布次数', deployFreq: '每日部署次数', failureRate: '变更失败率',
  restore: '恢复时间(p50)', durationP: '耗时 p50 / p90', token: '操作令牌', save: '保存', actions: '操作',
  undo: '回滚', pause: '暂停', resume: '继续', restart: '重启', needToken: '执行操作需要具有 operator 角色的令牌。',
  progress: '进度', updated: '已更新', ready: '就绪', available: '可用', theme: '主题', language: '语言',
  last: '最近', hours: '小时', days: '天', group: '分组', total: '合计', diagnosis: '诊断', changeCause: '变更原因', back: '返回',
  cluster: '集群', allClusters: '全部集群', actionsElsewhere: '此工作负载的操作需通过其所在集群的 rollscope 执行;当前实例只操作集群',
  canaries: '金丝雀发布', canary: '金丝雀发布', state: '状态', step: '步骤', steps: '步骤', weight: '权重', replicas: '副本(金丝雀 / 稳定版)',
  replicaShare: '副本占比', trafficShare: '实测流量占比', reached: '到达', left: '离开', measurements: '度量',
  metric: '指标', value: '金丝雀', stableValue: '稳定版', condition: '阈值', verdict: '判定', query: '查询', at: '时间',
  noCanaries: '还没有金丝雀发布。使用 rollscope canary deployment/NAME --image CONTAINER=IMAGE 开始一次。', noMeasurements: '没有度量:此金丝雀发布未配置分析(或尚无数据)。',
  failingMetric: '失败指标', promotedBy: '全量发布对应的发布', message: '状态说明', attempt: '第几次', overTime: '金丝雀与稳定版随时间变化', service: '服务',
  traffic: '流量(请求/秒,金丝雀 / 稳定版)',
  loading: '加载中…', stuck: '已失败、尚未修复', stuckHint: '失败后既没有被新的发布取代、也没有自行恢复的发布;在其中之一发生之前会一直显示在这里。',
  stalledAt: '停滞于', neverReached: '未到达;停滞', stuckFor: '未到达;已卡住', waitingFor: '尚未到达;已等待',
};

/** STRINGS holds every language's strings. */
export const STRINGS: Readonly<Record<Lang, Strings>> = { en, 'zh-CN': zh };

/** LangContext carries the current language's strings. */
export const LangContext = createContext<Strings>(en);

/** useT returns the current language's strings. */
export const useT = (): Strings => useContext(LangContext);
