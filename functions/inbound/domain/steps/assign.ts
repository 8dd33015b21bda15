/**
 * Step 8 (assign), new conversations only: who on the team gets it, per the inbox's auto-assignment setting.
 * Rotation is a shared counter (one atomic increment per new conversation), so turns stay even however many
 * messages arrive at once; each turn goes to the next agent in a stable order who is available and below
 * their capacity. Replies never come here: a conversation keeps its assignee.
 */
import type { Assignment, Targets } from '../../../inboxes/model';
import { evidenceText, TraceEntry } from '../trace';

export interface AgentState {
  readonly userId: string;
  readonly availability: 'available' | 'away';
  /** Most open conversations at once; null: no limit. */
  readonly capacity: number | null;
  /** Open conversations assigned to this agent now. */
  readonly openAssigned: number;
}

/** What assignment needs to know, read for this conversation. */
export interface RoutingContext {
  /** The users named by the setting, the members of its teams, and the contact's owner. */
  readonly users: ReadonlyMap<string, AgentState>;
  readonly teamMembers: ReadonlyMap<string, readonly string[]>;
  readonly contactOwnerId?: string;
}

export type AssignmentRule = 'round-robin' | 'contact-owner' | 'fallback' | 'nobody-available';

export interface AssignmentDecision {
  readonly assigneeId: string | null;
  readonly rule: AssignmentRule;
  readonly why: string;
  /** The assignee has a capacity: their open count must be checked and raised with the commit. */
  readonly capacityLimited?: boolean;
}

/** Everyone the targets name, directly or through a team, once each, in a stable order. */
export function targetUserIds(targets: Targets, teamMembers: RoutingContext['teamMembers']): string[] {
  const ids = new Set(targets.userIds);
  for (const teamId of targets.teamIds) for (const userId of teamMembers.get(teamId) ?? []) ids.add(userId);
  return [...ids].sort();
}

export function canTake(agent: AgentState | undefined): agent is AgentState {
  return !!agent && agent.availability === 'available' && (agent.capacity === null || agent.openAssigned < agent.capacity);
}

function unavailableWhy(userId: string, agent: AgentState | undefined): string {
  if (!agent) return `${userId} is no longer a user`;
  if (agent.availability !== 'available') return `${userId} is away`;
  return `${userId} is at capacity (${agent.openAssigned}/${agent.capacity})`;
}

/** Takes the next turn among those who can take a conversation now, or says why nobody can. */
async function rotate(targets: Targets, context: RoutingContext, nextTurn: () => Promise<number>, rule: 'round-robin' | 'fallback', prefix: string): Promise<AssignmentDecision> {
  const named = targetUserIds(targets, context.teamMembers);
  const pool = named.filter((userId) => canTake(context.users.get(userId)));
  if (!pool.length) {
    const why = named.length ? named.map((userId) => unavailableWhy(userId, context.users.get(userId))).join('; ') : 'the setting names nobody';
    return { assigneeId: null, rule: 'nobody-available', why: `${prefix}${why}` };
  }
  const turn = await nextTurn();
  const assigneeId = pool[turn % pool.length];
  const capacityLimited = context.users.get(assigneeId)!.capacity !== null;
  return { assigneeId, rule, why: `${prefix}turn ${turn} among ${pool.length} available (${pool.join(', ')})`, capacityLimited };
}

export async function assign(setting: Assignment, context: RoutingContext, nextTurn: () => Promise<number>): Promise<{ decision?: AssignmentDecision; trace: TraceEntry }> {
  let decision: AssignmentDecision | undefined;
  if (setting.mode === 'specific') decision = await rotate(setting, context, nextTurn, 'round-robin', '');
  else if (setting.mode === 'contact-owner') {
    const ownerId = context.contactOwnerId;
    const owner = ownerId ? context.users.get(ownerId) : undefined;
    if (ownerId && canTake(owner)) decision = { assigneeId: ownerId, rule: 'contact-owner', why: `${ownerId} owns the contact and is available`, capacityLimited: owner.capacity !== null };
    else {
      const prefix = ownerId ? `owner ${unavailableWhy(ownerId, owner)}; fallback: ` : 'the contact has no owner; fallback: ';
      decision = await rotate(setting.fallback, context, nextTurn, 'fallback', prefix);
    }
  }
  if (!decision) return { trace: { step: 'assign', decision: 'unassigned', why: 'auto-assignment is off: the conversation waits in Unassigned' } };
  return { decision, trace: { step: 'assign', decision: `${decision.assigneeId ?? 'unassigned'} (${decision.rule})`, why: evidenceText(decision.why) } };
}
