/**
 * Who the dashboard answers, read before anything else (`/api/session`): local single-user mode
 * (the dashboard as it always was), the sign-in screen, or a signed-in user's view — the live
 * pages, the assessment only, the audit log, or a page saying no data is open to them. A 401 from
 * any request brings the sign-in screen back with "Your session has ended".
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { SessionAnswer } from '@api';
import { ApiError, getSession, post } from './api';
import { App } from './App';
import { Header, SignedInUser } from './components/Header';
import { ErrorBox, Loading } from './components/Status';
import { AssessmentPage, NoDataPage, WhatYouCanSeePage } from './pages/AccessPages';
import { AdminPage } from './pages/AdminPage';
import { AuditPage } from './pages/AuditPage';
import { holdSession, useSessionEnds, type SignedIn } from './session';
import { SignInScreen, type SignInMethods } from './SignIn';
import { useLocation } from './url';

type Stage =
  | { stage: 'loading' }
  | { stage: 'error'; error: ApiError }
  /** Label null: the server has no sign-in at all (no `/api/session`); the meta's label is shown. */
  | { stage: 'local'; label: string | null }
  | { stage: 'sign-in'; methods: SignInMethods }
  | { stage: 'signed-in'; session: SignedIn };

function stageOf(answer: SessionAnswer): Stage {
  if (answer.mode === 'local-single-user') return { stage: 'local', label: answer.label };
  if (!answer.signedIn) return { stage: 'sign-in', methods: answer.methods };
  return { stage: 'signed-in', session: answer };
}

export function Root() {
  const ends = useSessionEnds();
  const [reads, setReads] = useState(0);
  const [stage, setStage] = useState<Stage>({ stage: 'loading' });
  const [ended, setEnded] = useState(false);

  useEffect(() => {
    if (ends > 0) setEnded(true);
  }, [ends]);

  useEffect(() => {
    let live = true;
    getSession<SessionAnswer>().then(
      (answer) => {
        if (!live) return;
        holdSession(answer);
        setStage(stageOf(answer));
      },
      (err: unknown) => {
        if (!live) return;
        holdSession(null);
        if (err instanceof ApiError && err.status === 404 && err.body.code === 'NOT_FOUND')
          setStage({ stage: 'local', label: null });
        else
          setStage({
            stage: 'error',
            error:
              err instanceof ApiError
                ? err
                : new ApiError(0, { kind: 'network', code: 'NETWORK', message: String(err) }),
          });
      },
    );
    return () => {
      live = false;
    };
  }, [ends, reads]);

  const signOut = (): void => {
    const reread = (): void => {
      holdSession(null);
      setEnded(false);
      setStage({ stage: 'loading' });
      setReads((r) => r + 1);
    };
    post('/api/session/sign-out').then(reread, reread);
  };

  switch (stage.stage) {
    case 'loading':
      return (
        <main id="main" tabIndex={-1}>
          <Loading what="the session" />
        </main>
      );
    case 'error':
      return (
        <main id="main" tabIndex={-1}>
          <h1>The dashboard could not start</h1>
          <ErrorBox error={stage.error} />
        </main>
      );
    case 'local':
      return <App label={stage.label} session={null} onSignOut={signOut} />;
    case 'sign-in':
      return (
        <SignInScreen
          methods={stage.methods}
          ended={ended}
          onSignedIn={(answer) => {
            holdSession(answer);
            setEnded(false);
            setStage(stageOf(answer));
          }}
        />
      );
    case 'signed-in':
      return stage.session.view === 'live' ? (
        <App label={null} session={stage.session} onSignOut={signOut} />
      ) : (
        <ViewApp session={stage.session} onSignOut={signOut} />
      );
  }
}

interface ViewPage {
  path: string;
  title: string;
  render: (params: URLSearchParams) => ReactNode;
}

/**
 * The pages of a reader who is not given the live dashboard; a partnership administrator also
 * gets the audit log and administration, which the server gives them whatever data they may see.
 */
function viewPages(session: SignedIn): ViewPage[] {
  const pages = readerPages(session);
  if (session.user.role !== 'partnership-admin') return pages;
  const admin: ViewPage[] = [
    {
      path: '/audit',
      title: 'Audit',
      render: (params) => <AuditPage page="/audit" params={params} />,
    },
    { path: '/admin', title: 'Administration', render: () => <AdminPage self={session.user} /> },
  ];
  return [...pages, ...admin.filter((a) => !pages.some((p) => p.title === a.title))];
}

function readerPages(session: SignedIn): ViewPage[] {
  const grants: ViewPage = {
    path: '/access',
    title: 'What you can see',
    render: () => <WhatYouCanSeePage grants={session.grants} />,
  };
  switch (session.view) {
    case 'assessment':
      return [
        {
          path: '/',
          title: 'Assessment',
          render: () => <AssessmentPage grants={session.grants} />,
        },
        grants,
      ];
    case 'audit':
      return [
        { path: '/', title: 'Audit', render: (params) => <AuditPage page="/" params={params} /> },
        grants,
      ];
    default:
      return [
        {
          path: '/',
          title: 'No data',
          render: () => (
            <NoDataPage grants={session.grants} organisation={session.user.organisation.name} />
          ),
        },
      ];
  }
}

function ViewApp({ session, onSignOut }: { session: SignedIn; onSignOut: () => void }) {
  const location = useLocation();
  const pages = viewPages(session);
  const page = pages.find((p) => p.path === location.page);

  useEffect(() => {
    document.title = `${page?.title ?? 'Not found'} — Serious Violence Duty dashboard`;
  }, [page]);

  return (
    <>
      <Header
        pages={pages}
        page={location.page}
        params={location.params}
        user={<SignedInUser user={session.user} onSignOut={onSignOut} />}
      />
      <main id="main" tabIndex={-1}>
        {page === undefined ? (
          <>
            <h1>Page not found</h1>
            <p>
              There is no page at {location.page} for you. <a href="/">Go to your first page.</a>
            </p>
          </>
        ) : (
          page.render(location.params)
        )}
      </main>
    </>
  );
}
