/** What the wizard asks of a step when Next is pressed: save what it shows (throws to stay on the step). */
export interface StepHandle {
  save(): Promise<void>;
}
