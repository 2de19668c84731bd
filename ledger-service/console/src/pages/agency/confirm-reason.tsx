import { type App, Form, Input } from "antd";

type ModalApi = ReturnType<typeof App.useApp>["modal"];

interface Ask {
  readonly title: string;
  readonly warning: string;
  readonly reasonLabel: string;
  readonly okText: string;
  readonly cancelText: string;
  readonly danger: boolean;
  /** Called with the reason (trimmed, never empty) once the user confirms. */
  readonly onConfirm: (reason: string) => void;
}

/**
 * A confirmation (Ant Design's Modal.confirm) that asks for the reason the record will keep: its
 * OK button stays disabled until a reason is typed, so nothing is signed without one.
 */
export function confirmWithReason(modal: ModalApi, ask: Ask): void {
  let reason = "";
  const dialog = modal.confirm({
    title: ask.title,
    content: (
      <Form layout="vertical">
        <p>{ask.warning}</p>
        <Form.Item label={ask.reasonLabel} htmlFor="confirm-reason" required>
          <Input.TextArea
            id="confirm-reason"
            rows={3}
            maxLength={512}
            onChange={(e) => {
              reason = e.target.value.trim();
              dialog.update({ okButtonProps: { danger: ask.danger, disabled: reason === "" } });
            }}
          />
        </Form.Item>
      </Form>
    ),
    okText: ask.okText,
    okButtonProps: { danger: ask.danger, disabled: true },
    cancelText: ask.cancelText,
    onOk: () => ask.onConfirm(reason),
  });
}
