import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { accessToken, api, ApiError } from '../api/client';
import { type DeviceCredentials, useDeviceToken } from '../lib/device';
import { followLive } from '../api/stream';
import { kitchen } from './api';
import {
  allDayGroups, applySnapshot, applyTicket, type Board, clock, emptyBoard, halves, type KitchenItem, type KitchenStation,
  type KitchenTicket, type Snapshot, type TicketEvent, timer,
} from './board';

type Credentials = DeviceCredentials;
const CREDS = 'vetahut.kds';
const STATION = 'vetahut.kds.station';
const EXPO = ''; // the whole-ticket view (the pass station shows whole tickets too)

type Action = { type: 'snapshot'; s: Snapshot } | { type: 'ticket'; e: TicketEvent } | { type: 'reset' };
function reduce(board: Board, a: Action): Board {
  if (a.type === 'snapshot') return applySnapshot(board, a.s);
  if (a.type === 'ticket') return applyTicket(board, a.e);
  return emptyBoard;
}

/** A short two-tone chime through Web Audio (no sound file to load). */
function chime(ctx: AudioContext | null) {
  if (!ctx) return;
  const t = ctx.currentTime;
  for (const [i, f] of [880, 1320].entries()) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = f;
    gain.gain.setValueAtTime(0.25, t + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.001, t + i * 0.18 + 0.3);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t + i * 0.18);
    osc.stop(t + i * 0.18 + 0.32);
  }
}

const ITEM_STATUS: Record<string, string> = {
  queued: 'To make', making: 'Making', in_oven: 'In oven', ready: 'Ready', handed_off: 'Handed off', voided: 'Voided',
};
const TYPE: Record<string, string> = { carryout: 'Carry-out', delivery: 'Delivery', dine_in: 'Dine-in' };

/** One item: what to make, half by half. A button when this screen can bump it. */
export function ItemLines({ item, showStation, stations }: { item: KitchenItem; showStation: boolean; stations: KitchenStation[] }) {
  const h = halves(item);
  const where = stations.find((s) => s.id === item.station)?.name ?? item.station;
  return (
    <>
      <span className="kds-item-name">{item.name}</span>
      <span className="kds-item-size">{[item.size, item.crust].filter(Boolean).join(' · ')}</span>
      {h.whole.length > 0 && <span className="kds-half"><b>Whole:</b> {h.whole.join(', ')}</span>}
      {h.left.length > 0 && <span className="kds-half" data-half="left"><b>Left ½:</b> {h.left.join(', ')}</span>}
      {h.right.length > 0 && <span className="kds-half" data-half="right"><b>Right ½:</b> {h.right.join(', ')}</span>}
      {item.removed.length > 0 && <span className="kds-removed"><b>No</b> {item.removed.join(', ')}</span>}
      {item.notes && <span className="kds-notes">“{item.notes}”</span>}
      <span className="kds-item-status">{ITEM_STATUS[item.status] ?? item.status}{showStation && where ? ` · ${where}` : ''}</span>
    </>
  );
}

/** A ticket card: number, type, timer in the store's warning/late colours, items, bump. */
export function TicketCard({ ticket, now, expo, fresh, stations, onBump }: {
  ticket: KitchenTicket;
  now: number;
  expo: boolean;
  fresh: boolean;
  stations: KitchenStation[];
  onBump: (ticket: KitchenTicket, item?: number) => void;
}) {
  const { seconds, urgency } = timer(ticket, now);
  const label = `#${ticket.number}`;
  return (
    <article className={`kds-ticket ${urgency}${fresh ? ' fresh' : ''}`} data-testid="ticket" data-number={ticket.number}
      data-urgency={urgency} aria-labelledby={`t-${ticket.id}`}>
      <header className="kds-ticket-head">
        <h2 id={`t-${ticket.id}`}>{label}</h2>
        <span>{TYPE[ticket.order_type] ?? ticket.order_type}</span>
        {ticket.priority === 'rush' && <span className="kds-rush">Rush</span>}
        <span className="kds-timer" data-testid="timer">
          {clock(seconds)}{urgency === 'late' ? ' late' : urgency === 'warning' ? ' !' : ''}
        </span>
      </header>
      {ticket.customer_name && <p className="kds-customer">{ticket.customer_name}</p>}
      <ul className="kds-items">
        {ticket.items.map((item) => (
          <li key={item.index} data-status={item.status}>
            {expo ? (
              <div className="kds-item"><ItemLines item={item} showStation stations={stations} /></div>
            ) : (
              <button type="button" className="kds-item" data-testid="bump-item"
                onClick={() => onBump(ticket, item.index)}>
                <ItemLines item={item} showStation={false} stations={stations} />
              </button>
            )}
          </li>
        ))}
      </ul>
      {!expo ? (
        <button type="button" className="kds-bump" data-testid="bump-ticket" onClick={() => onBump(ticket)}>Bump {label}</button>
      ) : ticket.status !== 'ready' ? (
        <p className="kds-wait" data-testid="expo-wait">Not ready yet</p>
      ) : ticket.order_type === 'delivery' ? (
        <p className="kds-wait" data-testid="expo-wait">Ready · waits for its driver</p>
      ) : (
        <button type="button" className="kds-bump" data-testid="bump-ticket" onClick={() => onBump(ticket)}>Hand over {label}</button>
      )}
    </article>
  );
}

function StationPicker({ stations, onPick, error }: { stations: KitchenStation[]; onPick: (id: string) => void; error: string | null }) {
  return (
    <div className="kds-picker">
      <h1>Which station is this screen?</h1>
      <ul>
        {stations.filter((s) => s.kind !== 'pass').map((s) => (
          <li key={s.id}><button type="button" className="primary big" onClick={() => onPick(s.id)}>{s.name}</button></li>
        ))}
        <li><button type="button" className="big" onClick={() => onPick(EXPO)}>Expo (whole tickets)</button></li>
      </ul>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

/** The kitchen display: provisioned once with a manager's code, then one station's live tickets. */
export function Kds() {
  const [creds, setCreds] = useState<Credentials | null>(() => JSON.parse(localStorage.getItem(CREDS) ?? 'null'));
  const [station, setStation] = useState<string | null>(() => localStorage.getItem(STATION));
  const [stations, setStations] = useState<KitchenStation[]>([]);
  const [board, dispatch] = useReducer(reduce, emptyBoard);
  const [connection, setConnection] = useState<'connecting' | 'open' | 'down'>('connecting');
  const [now, setNow] = useState(Date.now());
  const [error, setError] = useState<string | null>(null);
  const [recent, setRecent] = useState<{ id: string; number: number }[]>([]);
  const [muted, setMuted] = useState(false);
  const [showAllDay, setShowAllDay] = useState(true);
  const audio = useRef<AudioContext | null>(null);
  const chimed = useRef<string[]>([]);

  // The device token; refused credentials were revoked: provision again.
  const ready = useDeviceToken(creds, () => {
    localStorage.removeItem(CREDS);
    setCreds(null);
  });

  useEffect(() => {
    if (!creds || !ready || station !== null) return;
    kitchen.setup(creds.store_id)
      .then((s) => setStations(s.stations))
      .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [creds, ready, station]);

  // The station's stream: a snapshot on every (re)connection, then ticket events.
  useEffect(() => {
    if (!creds || !ready || station === null) return;
    const abort = new AbortController();
    dispatch({ type: 'reset' });
    setConnection('connecting');
    void followLive(kitchen.streamUrl(creds.store_id, station), (e) => {
      try {
        if (e.event === 'snapshot') dispatch({ type: 'snapshot', s: JSON.parse(e.data) as Snapshot });
        else if (e.event === 'ticket') dispatch({ type: 'ticket', e: JSON.parse(e.data) as TicketEvent });
      } catch { /* a malformed event: the next snapshot repairs the board */ }
    }, abort.signal, { token: accessToken, onState: setConnection }).then((status) => {
      if (status === 403 || status === 404) setError('This screen may not follow that station. Pick another one.');
      if (status === 401) setError('Signing in again…');
    });
    return () => abort.abort();
  }, [creds, ready, station]);

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);

  // A chime for each ticket new to the screen.
  useEffect(() => {
    const unheard = board.fresh.filter((id) => !chimed.current.includes(id));
    if (unheard.length === 0) return;
    chimed.current = [...chimed.current.slice(-50), ...unheard];
    if (!muted) chime(audio.current);
  }, [board.fresh, muted]);

  const pick = (id: string) => {
    try {
      audio.current ??= typeof AudioContext !== 'undefined' ? new AudioContext() : null; // started by a touch
    } catch { /* no audio */ }
    localStorage.setItem(STATION, id);
    setError(null);
    setStation(id);
  };

  const onBump = useCallback(async (ticket: KitchenTicket, item?: number) => {
    setError(null);
    try {
      // The expo hands a ticket over at the pass station; the whole-ticket view has no station of its own.
      const pass = board.stations.find((s) => s.kind === 'pass')?.id ?? '';
      await kitchen.bump(ticket.id, station === EXPO ? pass : station ?? '', item);
      setRecent((r) => [{ id: ticket.id, number: ticket.number }, ...r.filter((x) => x.id !== ticket.id)].slice(0, 10));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, [station, board.stations]);

  const recall = async () => {
    const last = recent[0];
    if (!last) return;
    setError(null);
    try {
      await kitchen.recall(last.id);
      setRecent((r) => r.slice(1));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  let body;
  if (!creds) {
    body = (
      <form className="kds-provision" onSubmit={async (e) => {
        e.preventDefault();
        const code = String(new FormData(e.currentTarget).get('code'));
        try {
          const device = await api.provision(code);
          if (device.type !== 'kds') throw new ApiError(422, `That code is for a ${device.type}, not a kitchen screen.`);
          const c = { client_id: device.client_id, client_secret: device.client_secret, store_id: device.store_id };
          localStorage.setItem(CREDS, JSON.stringify(c));
          setCreds(c);
          setError(null);
        } catch (err) {
          setError(err instanceof ApiError ? err.message : String(err));
        }
      }}>
        <h1>Connect this kitchen screen</h1>
        <label>Provisioning code from the store manager
          <input name="code" required autoComplete="off" autoCapitalize="characters" placeholder="ABCD-EFGH" />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary big">Connect</button>
      </form>
    );
  } else if (!ready) {
    body = <p className="kds-loading">Signing in…</p>;
  } else if (station === null) {
    body = <StationPicker stations={stations} onPick={pick} error={error} />;
  } else {
    const here = board.stations.find((s) => s.id === station);
    const expo = station === EXPO || here?.kind === 'pass';
    const groups = allDayGroups(board.allDay, board.stations);
    body = (
      <div className={`kds-screen${showAllDay ? '' : ' no-all-day'}`}>
        <section className="kds-tickets" aria-label="Tickets" data-testid="tickets">
          {board.tickets.length === 0 && connection === 'open' && <p className="kds-empty">No tickets. All caught up.</p>}
          {board.tickets.map((t) => (
            <TicketCard key={t.id} ticket={t} now={now + board.skewMs} expo={expo} fresh={board.fresh.includes(t.id)}
              stations={board.stations} onBump={onBump} />
          ))}
        </section>
        {showAllDay && (
          <aside className="kds-all-day" aria-label="All day" data-testid="all-day">
            <h2>All day</h2>
            {groups.every((g) => g.rows.length === 0) && <p>Nothing open.</p>}
            {groups.map((g) => (
              <div key={g.station}>
                {g.station && <h3>{g.station}</h3>}
                <ul>
                  {g.rows.map((r) => (
                    <li key={`${r.name}|${r.size}`}><span className="kds-count">{r.count}</span> {r.name}{r.size ? ` (${r.size})` : ''}</li>
                  ))}
                </ul>
              </div>
            ))}
          </aside>
        )}
      </div>
    );
  }

  const stationName = station === EXPO ? 'Expo' : board.stations.find((s) => s.id === station)?.name ?? station;
  return (
    <>
      <header className="top kds-top">
        <span className="brand"><img src="/icons/icon.svg" alt="" width="28" height="28" /> Kitchen{station !== null && creds ? ` · ${stationName}` : ''}</span>
        {station !== null && creds && (
          <>
            <span className={`kds-connection ${connection}`} role="status" data-testid="connection" data-state={connection}>
              {connection === 'open' ? 'Live' : connection === 'down' ? 'Reconnecting…' : 'Connecting…'}
            </span>
            <button type="button" onClick={() => void recall()} disabled={recent.length === 0} data-testid="recall">
              {recent.length ? `Recall #${recent[0].number}` : 'Recall'}
            </button>
            <button type="button" aria-pressed={showAllDay} onClick={() => setShowAllDay(!showAllDay)}>All day</button>
            <button type="button" aria-pressed={!muted} onClick={() => setMuted(!muted)}>Sound</button>
            <button type="button" onClick={() => { localStorage.removeItem(STATION); setStation(null); }}>Station</button>
          </>
        )}
      </header>
      {error && station !== null && creds && <p className="error kds-error" role="alert">{error}</p>}
      <main id="main">{body}</main>
    </>
  );
}
