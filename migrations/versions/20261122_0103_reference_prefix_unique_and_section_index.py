"""Contribution references get a unique prefix per consultation; section lists read an index only.

Revision ID: 774aaf73228d
Revises: b746454516f4
Create Date: 2026-11-22 01:03:08.606513

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '774aaf73228d'
down_revision = 'b746454516f4'
branch_labels = None
depends_on = None


def _fill_prefixes():
    """Consultations made before get a prefix from their slug, numbered if two would clash."""
    connection = op.get_bind()
    consultations = sa.table('consultation', sa.column('id'), sa.column('slug'), sa.column('reference_prefix'))
    taken = set()
    rows = connection.execute(sa.select(consultations.c.id, consultations.c.slug, consultations.c.reference_prefix)
                              .order_by(consultations.c.id)).all()
    for consultation_id, slug, prefix in rows:
        prefix = prefix or re.sub(r'[^A-Z0-9]', '', slug.upper())[:16] or 'C'
        candidate, number = prefix, 2
        while candidate in taken:
            candidate, number = f'{prefix[:16]}{number}', number + 1
        taken.add(candidate)
        connection.execute(consultations.update().where(consultations.c.id == consultation_id)
                           .values(reference_prefix=candidate))


def upgrade():
    _fill_prefixes()
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_consultation_reference_prefix'), ['reference_prefix'])

    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_section'))
        batch_op.create_index('ix_contribution_section', ['chapter_id', 'status', 'section_anchor', 'published_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_index('ix_contribution_section')
        batch_op.create_index(batch_op.f('ix_contribution_section'), ['chapter_id', 'status', 'section_anchor'], unique=False)

    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_consultation_reference_prefix'), type_='unique')

