/** One question with radio answers, stacked (every choice of the wizard and its settings). */
import { Radio, Stack } from '@mantine/core';

export interface Choice<Value extends string> {
  readonly value: Value;
  readonly label: string;
  readonly disabled?: boolean;
}

export function Choices<Value extends string>(props: { label: string; description?: string; value: Value; onChange: (value: Value) => void; choices: readonly Choice<Value>[] }) {
  return (
    <Radio.Group label={props.label} description={props.description} value={props.value} onChange={(value) => props.onChange(value as Value)}>
      <Stack gap="xs" mt="xs">
        {props.choices.map((choice) => <Radio key={choice.value} value={choice.value} label={choice.label} disabled={choice.disabled} />)}
      </Stack>
    </Radio.Group>
  );
}
