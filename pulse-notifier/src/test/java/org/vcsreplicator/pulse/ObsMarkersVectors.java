package org.vcsreplicator.pulse;

/** Base85 obsolescence marker values from the original's test-obsmarkers-dump.t. */
final class ObsMarkersVectors {
    /** 4da703b7… rewritten into 7d683ce4…, by "Test User <someone@example.com>". */
    static final String REWRITE =
            "0096106hRrrvtb3n{p3QPjH%`e(f=Wx*E-WXguWQVT*bSa5J>he{3kS!1uyrVRU6WF*G+ZIXF2nG&U|aFgP$dG9WMj"
                    + "b#rBMI#gwIbRbo8WpW@qb8l^BZ*FBkWq4t2aBO8RV{dIf";
    /** 67b45555… pruned by root@b357bc6c9c91. */
    static final String PRUNE =
            "00000051S%v{hB2A5EP{3fxZ~)30NZk7N{NVRU6WF*G+aFgG<aGchhWG%`0fHy|(ob#rBMI&yDsbU<P=H8)~oHe)$sIWY";
    /** 63d556ea… → 274cd1d9… and 87d2d205… → 27eddb78…. */
    static final String TWO =
            "0096106hR>)mG|TpRWkW#2943{I5M%`G&|ROwrkft0ao94f~pqFMDi)J+8!LVRU6WF*G+aFgG_iI5sXfH8(IhHy|(o"
                    + "b#rBMI#gwIbRbo8WpW@qb8l^BZ*FBkWq4t2aBO8RV{dIf0RR91JphN&(gi8!9g?_5@w(Yej=KOLGB79Y+juY^Xln?R"
                    + "+S;Ptw%@x50V8B#bY(g*G&eFZH#ayqHZC_cH#IakATR)Rb7gWmRAqB?AXRf^av(f&Z*667Ze>7acwudDY-KKEZ*4v";

    private ObsMarkersVectors() {}
}
