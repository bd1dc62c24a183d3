import { NotificationProps } from './notification-props';
import { ProblemCollector } from '../../common/problem-collector';
import { checkProp } from '../../common/schema-props';
import { emailAddresses } from '../../config/email-fields';

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

/**
 * Checks a list of email addresses (the prop at `path`) by the rule of a
 * request's `notifications.emails`: at most 10, each an address, none listed
 * twice in any letter case.
 */
export function validateEmails(emails: string[], path: string, problems: ProblemCollector): void {
  checkProp(emailAddresses, emails, path, problems);
}
