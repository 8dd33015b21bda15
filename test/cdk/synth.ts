/** Builds the real app wiring for assertions, with bundling skipped and a stand-in handler entry. */
import * as path from 'path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { createHostedInbox } from '../../lib/hosted-inbox';
import { API_FUNCTION_NAMES } from '../../lib/inbox-api';

export const FIXTURE_ENTRY = path.join(__dirname, 'fixtures', 'handler.ts');
/** Stands in for console/dist when a test turns the web console on. */
export const FIXTURE_CONSOLE = path.join(__dirname, 'fixtures', 'console');

/** An App that skips esbuild (seconds per stack) and needs no entry to compile. */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [], domain: 'inbox.example.com', ...context } });
}

/** The fixture as every API function's entry. */
export const FIXTURE_API_ENTRIES = Object.fromEntries(API_FUNCTION_NAMES.map((name) => [name, FIXTURE_ENTRY]));

export function synthHostedInbox(context: Record<string, unknown> = {}, webConsoleAssets = FIXTURE_CONSOLE) {
  const stacks = createHostedInbox(testApp(context), { inboundEntry: FIXTURE_ENTRY, apiEntries: FIXTURE_API_ENTRIES, webConsoleAssets });
  return {
    ...stacks,
    dataTemplate: Template.fromStack(stacks.data),
    appTemplate: Template.fromStack(stacks.application),
  };
}

/** The logical id of a construct's CloudFormation resource, to look it up in a template. */
export function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

export type Statement = { Action: string | string[]; Effect: string; Resource: unknown; Condition?: unknown };

/** The statements of every IAM policy in the template that is attached to the given role. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
