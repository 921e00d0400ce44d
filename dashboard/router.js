/** The page the address names after the #: #/<page>/<rest…>, each part URL-encoded. */
import { useEffect, useState } from 'preact/hooks';

const parse = () => {
  const [page = '', ...rest] = window.location.hash.replace(/^#\/?/, '').split('/');
  return { page, rest: rest.map((part) => decodeURIComponent(part)) };
};

export function useRoute() {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const changed = () => setRoute(parse());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** The address of a page: link(['approvals', id]) → #/approvals/<id>. */
export const link = (parts) => `#/${parts.map((part) => encodeURIComponent(part)).join('/')}`;

export const go = (parts) => {
  window.location.hash = link(parts);
};
