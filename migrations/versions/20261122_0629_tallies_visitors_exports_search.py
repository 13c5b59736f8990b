"""Tallies and visitor counts for the figures, export jobs, and search indexes that hold at scale.

Revision ID: 6ebdac789f6a
Revises: da3e527ebc57
Create Date: 2026-11-22 06:29:56.373120

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '6ebdac789f6a'
down_revision = 'da3e527ebc57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audience_day',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.Column('new_visitors', sa.Integer(), nullable=False),
    sa.Column('page_views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_audience_day_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'day', name=op.f('pk_audience_day'))
    )
    op.create_table('audience_visit',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('visitor_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_audience_visit_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'day', 'visitor_key', name=op.f('pk_audience_visit'))
    )
    with op.batch_alter_table('audience_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audience_visit_day'), ['day'], unique=False)

    op.create_table('audience_visitor',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('visitor_key', sa.String(length=64), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_audience_visitor_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'visitor_key', name=op.f('pk_audience_visitor'))
    )
    with op.batch_alter_table('audience_visitor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audience_visitor_first_day'), ['first_day'], unique=False)

    op.create_table('export_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_export_job_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_export_job_requested_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job')),
    sa.UniqueConstraint('token', name=op.f('uq_export_job_token'))
    )
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_job_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_job_expires_at'), ['expires_at'], unique=False)

    op.create_table('contribution_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('disposition', sa.String(length=20), nullable=True),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapter.id'], name=op.f('fk_contribution_tally_chapter_id_chapter'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_contribution_tally_consultation_id_consultation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], name=op.f('fk_contribution_tally_profile_id_profile')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_tally'))
    )
    with op.batch_alter_table('contribution_tally', schema=None) as batch_op:
        batch_op.create_index('ix_contribution_tally_key', ['consultation_id', 'chapter_id', 'week'], unique=False)

    if op.get_context().dialect.name == 'postgresql':
        _search_postgresql()
    else:
        _search_sqlite()


def downgrade():
    if op.get_context().dialect.name == 'postgresql':
        _drop_search_postgresql()
    else:
        _drop_search_sqlite()
    with op.batch_alter_table('contribution_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_contribution_tally_key')

    op.drop_table('contribution_tally')
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_job_expires_at'))
        batch_op.drop_index(batch_op.f('ix_export_job_consultation_id'))

    op.drop_table('export_job')
    with op.batch_alter_table('audience_visitor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audience_visitor_first_day'))

    op.drop_table('audience_visitor')
    with op.batch_alter_table('audience_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audience_visit_day'))

    op.drop_table('audience_visit')
    op.drop_table('audience_day')


def _search_postgresql():
    """A stored tsvector kept by the built-in trigger function replaces the expression index,
    and trigrams index the author and organisation that the search also looks into."""
    op.execute('DROP INDEX IF EXISTS ix_contribution_search')
    op.execute('ALTER TABLE contribution ADD COLUMN search_document tsvector')
    op.execute(
        "UPDATE contribution SET search_document = to_tsvector('pg_catalog.french', body)"
    )
    for name, event in (('insert', 'INSERT'), ('update', 'UPDATE OF body')):
        op.execute(
            f'CREATE TRIGGER contribution_search_{name} BEFORE {event} ON contribution '
            'FOR EACH ROW EXECUTE FUNCTION '
            "tsvector_update_trigger(search_document, 'pg_catalog.french', body)"
        )
    op.execute('CREATE INDEX ix_contribution_search ON contribution USING gin (search_document)')
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.execute(
        'CREATE INDEX ix_contribution_people_search ON contribution '
        'USING gin (author_label gin_trgm_ops, organisation gin_trgm_ops)'
    )


def _drop_search_postgresql():
    op.execute('DROP INDEX ix_contribution_people_search')
    op.execute('DROP INDEX ix_contribution_search')
    op.execute('DROP TRIGGER contribution_search_insert ON contribution')
    op.execute('DROP TRIGGER contribution_search_update ON contribution')
    op.execute('ALTER TABLE contribution DROP COLUMN search_document')
    op.execute(
        "CREATE INDEX ix_contribution_search ON contribution "
        "USING gin (to_tsvector('french', body))"
    )


def _search_sqlite():
    """An FTS5 table over the bodies, kept by triggers; the column stays empty on SQLite."""
    op.execute('ALTER TABLE contribution ADD COLUMN search_document TEXT')
    op.execute(
        "CREATE VIRTUAL TABLE contribution_fts USING fts5(body, content='contribution', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    forget = "INSERT INTO contribution_fts(contribution_fts, rowid, body) VALUES ('delete', old.id, old.body);"
    learn = 'INSERT INTO contribution_fts(rowid, body) VALUES (new.id, new.body);'
    for name, event, actions in (
        ('insert', 'INSERT', learn),
        ('delete', 'DELETE', forget),
        ('update', 'UPDATE OF body', forget + ' ' + learn),
    ):
        op.execute(
            f'CREATE TRIGGER contribution_fts_{name} AFTER {event} ON contribution '
            f'BEGIN {actions} END'
        )
    op.execute("INSERT INTO contribution_fts(contribution_fts) VALUES ('rebuild')")


def _drop_search_sqlite():
    for name in ('insert', 'delete', 'update'):
        op.execute(f'DROP TRIGGER contribution_fts_{name}')
    op.execute('DROP TABLE contribution_fts')
    op.execute('ALTER TABLE contribution DROP COLUMN search_document')
