import type { Menu, MenuDeal, MenuProduct } from '../api/types';
import { useI18n } from '../lib/i18n';

/** The menu by category: allergens, calories, prices; 86'd items shown and disabled. */
export function MenuView({ menu, onProduct, onDeal, large = false }: {
  menu: Menu;
  onProduct: (p: MenuProduct) => void;
  onDeal: (d: MenuDeal) => void;
  large?: boolean;
}) {
  const { t, money } = useI18n();
  return (
    <div className={large ? 'menu large' : 'menu'}>
      <nav aria-label={t('menu_title')} className="categories">
        {menu.categories.map((c) => (
          <a key={c.id} href={`#cat-${c.id}`}>{c.name}</a>
        ))}
      </nav>
      {menu.categories.map((c) => (
        <section key={c.id} id={`cat-${c.id}`} aria-labelledby={`h-${c.id}`}>
          <h2 id={`h-${c.id}`}>{c.name}</h2>
          <ul className="cards">
            {c.deals.map((d) => (
              <li key={d.id} className={d.available === false ? 'card off' : 'card'} data-deal={d.id}>
                <h3>{d.name}</h3>
                {d.description && <p>{d.description}</p>}
                <p className="price">{money(d.price)}</p>
                {d.available === false ? (
                  <p className="badge">{t('unavailable')}</p>
                ) : (
                  <button type="button" onClick={() => onDeal(d)} aria-label={`${t('customize')}: ${d.name}`}>{t('customize')}</button>
                )}
              </li>
            ))}
            {c.products.map((p) => {
              const first = p.sizes[0];
              const allergens = [...new Set(p.sizes.flatMap((s) => s.allergens ?? []))];
              return (
                <li key={p.id} className={p.available ? 'card' : 'card off'} data-product={p.id}>
                  <h3>{p.name}</h3>
                  {p.description && <p>{p.description}</p>}
                  <p className="price">{p.sizes.length > 1 ? t('from_price', { price: money(first?.price) }) : money(first?.price)}</p>
                  <p className="meta">
                    {first?.calories ? t('calories', { n: first.calories }) : ''}
                    {allergens.length ? ` · ${t('allergens', { list: allergens.join(', ') })}` : ''}
                  </p>
                  {p.available ? (
                    <button type="button" onClick={() => onProduct(p)} aria-label={`${p.kind === 'pizza' ? t('customize') : t('add')}: ${p.name}`}>
                      {p.kind === 'pizza' ? t('customize') : t('add')}
                    </button>
                  ) : (
                    <p className="badge" data-testid="unavailable">{t('unavailable')}</p>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
