import { Token } from 'aws-cdk-lib';
import { NotificationProps } from './notification-props';
import { EMAIL_PATTERN } from '../../config/limits';
import { ProblemCollector } from '../../common/problem-collector';


/**
 * Checks notification props, adding every problem to `problems` under `path`
 * (e.g. `notifications`). Token values pass unchecked.
 */
export function validateNotifications(props: NotificationProps, path: string, problems: ProblemCollector): void {
  validateEmails(props.emails ?? [], `${path}.emails`, problems);
  if (props.topic?.fifo === true) {
    problems.add(`${path}.topic`, 'must be a standard topic: SNS FIFO topics cannot deliver to email subscriptions');
  }
}

/** Checks a list of email addresses (the prop at `path`): each an address, none listed twice. */
export function validateEmails(emails: string[], path: string, problems: ProblemCollector): void {
  const seen = new Map<string, number>();
  emails.forEach((email, i) => {
    const where = `${path}[${i}]`;
    if (Token.isUnresolved(email)) {
      return;
    }
    problems.matches(email, EMAIL_PATTERN, where, 'is not an email address');
    // Listing an address twice (in any letter case: mail systems ignore it)
    // is a mistake either way: a second subscription or two stack resources
    // claiming the same SNS subscription.
    const key = email.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.add(where, `${JSON.stringify(email)} is already ${path}[${first}]`);
    } else {
      seen.set(key, i);
    }
  });
}
