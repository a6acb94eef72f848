import re,sys,glob,os
BASE=os.environ.get('REPLAY_DIR', os.path.dirname(os.path.abspath(__file__)))
variants=sys.argv[1:]
rows={}
for v in variants:
    for f in sorted(glob.glob(os.path.join(BASE, v, '*.log'))):
        t=open(f).read(); b=os.path.basename(f)[:-4]
        m=re.search(r'held-back auc \(same .*?ensemble ([\d.]+), single best ([\d.]+)',t)
        k='the ensemble is kept' in t
        mem=re.search(r'\n  out-of-fold auc: ensemble ([\d.]+), best single ([\d.]+)',t)
        if not m: rows.setdefault(b,{})[v]=None; continue
        e,s=float(m.group(1)),float(m.group(2))
        rows.setdefault(b,{})[v]=(e-s,k)
print('run | '+' | '.join(f'{v}: blend−single (kept)' for v in variants))
tot={v:[0,0,0] for v in variants}
for b in sorted(rows):
    cells=[]
    for v in variants:
        x=rows[b].get(v)
        if x is None: cells.append('-'); continue
        cells.append(f'{x[0]:+.4f} ({"k" if x[1] else "n"})')
        tot[v][0]+=x[0]; tot[v][1]+=x[0] if x[1] else 0; tot[v][2]+=1
    print(b,' | '.join(cells))
for v in variants:
    n=tot[v][2] or 1
    print(f'{v}: n={tot[v][2]} mean blend−single {tot[v][0]/n:+.4f}; mean headline−single {tot[v][1]/n:+.4f}')
