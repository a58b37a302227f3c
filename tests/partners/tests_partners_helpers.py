"""Steps shared by the partners' tests: posting an opportunity through the real flow."""

from __future__ import annotations


async def post(user, *, skills: str = "impression 3d", closes: str = "15/12") -> list:
    await user.send("/opportunite")
    await user.press("Stage")
    await user.send("Stage prototypage, 3 mois")
    await user.press("Passer")
    await user.send(skills)
    await user.press("Étudiant")
    await user.send("Nantes")
    await user.send(closes)
    return await user.press("Publier")
