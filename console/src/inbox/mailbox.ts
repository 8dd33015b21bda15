/** How the inbox pages write a message's sender (the From header the API hands back). */
import type { Schemas } from '../api/client';

export const senderOf = (from: Schemas['QuarantineItem']['from']) => (from ? (from.name ? `${from.name} <${from.email}>` : from.email) : '(no sender)');
