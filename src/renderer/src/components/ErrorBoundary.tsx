import { Component, type ErrorInfo, type ReactNode } from 'react';
import { t } from '../i18n/words';

interface Props {
  /**
   * What this boundary guards, in the current language: "the device tree". It fills the heading
   * "Something went wrong in {what}", so in Portuguese it is a noun phrase with its article.
   */
  what: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
  componentStack: string | null;
}

/** Shows what failed instead of a white screen, and lets the user try that part again. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, componentStack: null };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(_error: unknown, info: ErrorInfo): void {
    this.setState({ componentStack: info.componentStack ?? null });
  }

  override render(): ReactNode {
    const { error, componentStack } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="crash" role="alert" data-testid="error-boundary">
        <h2>{t('app.crash.title', { what: this.props.what })}</h2>
        <p className="crash-message">{error.message || error.name}</p>
        <details>
          <summary>{t('app.crash.details')}</summary>
          <pre>
            {[error.stack, componentStack].filter(Boolean).join(`\n\n${t('app.crash.componentStack')}`)}
          </pre>
        </details>
        <button type="button" onClick={() => this.setState({ error: null, componentStack: null })}>
          {t('app.crash.retry')}
        </button>
      </section>
    );
  }
}
