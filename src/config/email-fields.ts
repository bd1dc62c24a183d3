/** Email addresses subscribed to a topic: a request's `notifications.emails`, ByomPipeline's and MlopsFramework's. */
import * as z from 'zod';
import { EMAIL_MAX, EMAIL_PATTERN, MAX_EMAILS } from './limits';
import { quote } from './problems';
import { boundedArray, ifClean, repeatIssue, repeats, text } from './schema-parts';

/** One address: deliberately loose (SNS confirms the rest), see {@link EMAIL_PATTERN}. */
export const emailAddress = (() => {
  const error = (issue: { input?: unknown }): string => `${quote(issue.input as string)} is not an email address`;
  return text().max(EMAIL_MAX, { error, ...ifClean }).regex(EMAIL_PATTERN, { error, ...ifClean });
})();

/**
 * At most 10 addresses (one subscription each), none listed twice in any
 * letter case (mail systems ignore it): a second subscription, or two stack
 * resources claiming the same one, is a mistake either way.
 */
export const emailAddresses = boundedArray(emailAddress.meta({ title: 'Email', description: 'An email address.' }), 0, MAX_EMAILS, 'email addresses')
  .superRefine((emails, context) => {
    const keys = (emails as unknown[]).map((email) => (emailAddress.safeParse(email).success ? (email as string).toLowerCase() : undefined));
    for (const { index, first } of repeats(keys)) {
      context.addIssue(repeatIssue([index], 1, first, `${quote(emails[index])} is already `));
    }
  }, { when: (payload) => Array.isArray(payload.value) && payload.value.length <= MAX_EMAILS })
  .meta({ uniqueItems: true });

/** The type of a checked address list. */
export type EmailAddresses = z.output<typeof emailAddresses>;
